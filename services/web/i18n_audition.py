"""The English of the committee's rubric, advancement, audition-day, panel and conflict pages (kept apart from
`i18n_staff.py`, which other staff pages add to)."""

from __future__ import annotations

EN_AUDITION: dict[str, str] = {
    "Penjurian": "Judging",
    "Alasan (dikirim ke tim dan juri)": "Reason (sent to the teams and judges)",
    "Arti nilai": "What the scores mean",
    "Arti tiap nilai": "What each score means",
    "Audisi": "Auditions",
    "Belum ada akun juri yang aktif.": "No active judge account yet.",
    "Belum ada gagasan yang memenuhi syarat di babak ini.": "No eligible idea in this round yet.",
    "Belum ada hari audisi. Buat yang pertama di bawah.": "No audition day yet. Create the first one below.",
    "Belum ada juri.": "No judge yet.",
    "Belum ada pengecualian.": "No exclusion yet.",
    "Belum menyatakan": "Not declared yet",
    "Bobot": "Weight",
    "Bobot (%)": "Weight (%)",
    "Buat hari audisi": "Create an audition day",
    "Catatan": "Note",
    "Centang gagasan yang lolos dari seleksi berkas ke babak audisi. Anda akan diminta memastikan sebelum disimpan.": (
        "Tick the ideas that pass the screening to the audition round. You will be asked to confirm before it is saved."
    ),
    "Dihitung dalam nilai akhir (tanpa centang: hanya ditampilkan kepada juri, bobot 0)": (
        "Counted in the final score (unticked: only shown to the judges, weight 0)"
    ),
    "Dinyatakan": "Declared",
    "Dinyatakan juri": "Declared by the judge",
    "Ditampilkan, tidak dihitung": "Shown, not counted",
    "Gagasan babak seleksi berkas": "Ideas of the screening round",
    "Gagasan yang diloloskan akan dijadwalkan di hari audisi. Langkah ini tidak dapat dibatalkan dari halaman ini.": (
        "Advanced ideas will be scheduled on the audition days. This step cannot be undone from this page."
    ),
    "Gagasan yang lolos ke audisi:": "Ideas advanced to the audition:",
    "Gagasan yang mendapat slot:": "Ideas given a slot:",
    "Hari audisi": "Audition days",
    "Hari audisi dan panel": "Audition days and panels",
    "Hari audisi dibuat. Tempatkan gagasan lalu susun panel tiap ruang.": (
        "Audition day created. Assign the ideas, then set each room's panel."
    ),
    "Isi satu baris per kriteria. Bobot kriteria yang dihitung harus berjumlah 100. Kriteria yang hanya ditampilkan "
    "kepada juri (tidak dihitung) berbobot 0. Baris kosong diabaikan.": (
        "Fill in one block per criterion. The weights of counted criteria must add up to 100. A criterion only shown "
        "to the judges (not counted) weighs 0. Empty blocks are ignored."
    ),
    "Jadwal": "Schedule",
    "Jadwal audisi": "Audition schedule",
    "Jadwal dan panel hari ini": "This day's schedule and panels",
    "Jam ruang sendiri": "A room's own hours",
    "Jeda": "Breaks",
    "Jeda (ishoma)": "Breaks (rest, prayer, meal)",
    "Jeda mulai": "Break starts",
    "Jeda selesai": "Break ends",
    "Jenis": "Kind",
    "Juri per ruang": "Judges per room",
    "Juri wajib menyatakan konflik kepentingan sebelum menilai. Juri yang berkonflik dengan suatu gagasan tidak "
    "menilainya.": (
        "Judges must declare their conflicts of interest before scoring. A judge with a conflict does not score "
        "that idea."
    ),
    "Kembali ke hari audisi": "Back to the audition days",
    "Konflik": "Conflicts",
    "Kriteria": "Criterion",
    "Kriteria penilaian": "Scoring criteria",
    "Lama tiap slot (menit)": "Slot length (minutes)",
    "Langkah penjurian": "Judging steps",
    "Loloskan ke audisi": "Advance to the audition",
    "Loloskan yang dicentang": "Advance the ticked ideas",
    "Mengapa juri lain tidak diusulkan": "Why other judges were left out",
    "Minta usulan: juri dari perangkat daerah yang berbeda-beda, tanpa juri yang berkonflik dengan gagasan di ruang "
    "itu. Usulan belum disimpan; sesuaikan centangnya lalu simpan tiap ruang.": (
        "Ask for a proposal: judges from different agencies, none with a conflict with an idea in that room. "
        "Nothing is saved yet; adjust the ticks, then save each room."
    ),
    "Mulai": "Starts",
    "Mundur sendiri": "Stepped aside",
    "Nama jeda": "Break name",
    "Nama kriteria": "Criterion name",
    "Nilai terendah": "Lowest score",
    "Nilai tertinggi": "Highest score",
    "Panel": "Panel",
    "Panel juri per ruang": "Judges' panel per room",
    "Panel ruang disimpan.": "The room's panel is saved.",
    "Pengecualian": "Exclusions",
    "Penjelasan untuk juri": "Explanation for the judges",
    "Pernyataan dan pengecualian": "Declarations and exclusions",
    "Pernyataan konflik kepentingan": "Conflict-of-interest declarations",
    "Pilih": "Choose",
    "Pilih paling sedikit satu gagasan.": "Choose at least one idea.",
    "Pindahkan": "Move",
    "Rentang nilai": "Score range",
    "Ruang": "Rooms",
    "Ruang dan panel": "Rooms and panels",
    "Rubrik": "Rubric",
    "Rubrik audisi": "Audition rubric",
    "Rubrik ini tidak dapat diubah lagi: juri sudah mulai menilai di babak ini. Bobot yang berubah di tengah "
    "penilaian membuat nilai para juri tidak sebanding.": (
        "This rubric can no longer change: judges have started scoring in this round. Weights changed mid-way "
        "would make the judges' scores incomparable."
    ),
    "Rubrik penilaian": "Scoring rubric",
    "Rubrik seleksi berkas": "Screening rubric",
    "Rubrik tersimpan.": "The rubric is saved.",
    "Satu baris per nilai, misalnya 3: Waktu layanan berkurang separuh": (
        "One line per score, e.g. 3: Service time halved"
    ),
    "Satu ruang per baris, misalnya Pendopo Manggala Praja": "One room per line, e.g. Pendopo Manggala Praja",
    "Satukan gagasan satu kelompok jabatan di ruang yang sama, berurutan": (
        "Keep the ideas of one position group in the same room, one after another"
    ),
    "Selesai": "Ends",
    "Setiap gagasan yang lolos dan belum punya slot mendapat slot kosong. Slot yang sudah terisi tidak berubah.": (
        "Every advanced idea without a slot gets a free one. Slots already taken do not change."
    ),
    "Simpan panel": "Save the panel",
    "Simpan rubrik": "Save the rubric",
    "Slot di": "Slots in",
    "Slot dipindahkan; tim dan juri yang terkait diberi tahu.": "Slot moved; the teams and judges concerned are told.",
    "Sudah lolos": "Advanced",
    "Tanggal": "Date",
    "Tanpa slot (slot kosong habis):": "Without a slot (no free slot left):",
    "Tempat baru": "New place",
    "Tempatkan gagasan ke slot": "Assign ideas to slots",
    "Tempatkan otomatis": "Assign automatically",
    "Tidak ada slot yang bertumpuk dengan jeda, di ruang mana pun.": "No slot overlaps a break, in any room.",
    "Unduh jadwal (PDF)": "Download the schedule (PDF)",
    "Untuk ruang yang buka sebagian hari saja, satu per baris: Ruang Rapat 2 = 08.00-12.00": (
        "For rooms open part of the day only, one per line: Ruang Rapat 2 = 08:00-12:00"
    ),
    "Usulkan panel": "Propose panels",
    "WIB, misalnya 08.00": "WIB, e.g. 08:00",
    "Waktu": "Time",
    "Ya, loloskan": "Yes, advance them",
    "Yakin meloloskan gagasan ini ke audisi?": "Advance these ideas to the audition?",
    "belum ada panel": "no panel yet",
    "huruf kecil, angka, garis bawah": "lower-case letters, digits, underscores",
    "kosong": "free",
    "menit per slot": "minutes per slot",
    "slot": "slots",
    "tidak ada slot yang berakhir sesudahnya": "no slot ends after it",
    "tukar dengan": "swap with",
    "usulan": "proposed",
}
