"""The English of the committee's edition pages: the editions, an edition's setup and timeline, the participant
import and the screening queue (kept apart so that the other committee pages' words merge without conflict)."""

from __future__ import annotations

EN_EDITION: dict[str, str] = {
    "Menu panitia": "Committee menu",
    "Ganti edisi": "Change edition",
    "Edisi": "Editions",
    "Edisi Audisi": "Audisi editions",
    "Edisi yang ditampilkan": "Edition shown",
    "Edisi dan jumlah gagasannya": "Editions and their ideas",
    "Edisi tersimpan.": "Edition saved.",
    "Setiap edisi punya jadwal sendiri: pengajuan, seleksi administrasi, audisi dan keputusan. "
    "Semua waktu dalam WIB.": (
        "Each edition has its own timeline: submission, screening, auditions and decisions. All times in WIB."
    ),
    "Buat edisi baru": "Create a new edition",
    "Ubah edisi": "Edit the edition",
    "Lihat edisi": "See the edition",
    "Belum ada edisi.": "No edition yet.",
    "Tahap sekarang": "Now",
    "Menunggu seleksi": "Waiting for screening",
    "Peserta dengan gagasan": "Participants with ideas",
    "Kode edisi": "Edition code",
    "Nama edisi": "Edition name",
    "Tahun": "Year",
    "Huruf besar, angka dan tanda hubung, misalnya ATA-2027. Tidak dapat diubah nanti.": (
        "Capital letters, digits and hyphens, for example ATA-2027. It cannot be changed later."
    ),
    "Semua waktu ditulis dalam WIB. Hanya masa pengajuan yang wajib; jadwal lain dapat diisi nanti.": (
        "Write every time in WIB. Only the submission window is required; the rest of the timeline can wait."
    ),
    "Jadwal (WIB)": "Timeline (WIB)",
    "Pengajuan dibuka": "Submission opens",
    "Pengajuan ditutup": "Submission closes",
    "Batas akhir dengan masa tenggang": "Deadline with the grace period",
    "Seleksi administrasi dibuka": "Screening opens",
    "Seleksi administrasi ditutup": "Screening closes",
    "Audisi dimulai": "Auditions start",
    "Audisi selesai": "Auditions end",
    "Keputusan diumumkan": "Decisions announced",
    "belum ditetapkan": "not set yet",
    "Masa tenggang (menit)": "Grace period (minutes)",
    "Gagasan yang dikirim selama masa ini setelah pengajuan ditutup tetap diterima, ditandai terlambat.": (
        "Ideas sent within this time after submission closes are still accepted, marked late."
    ),
    "Kelompok jabatan yang ikut": "Position groups taking part",
    "Gagasan per peserta": "Ideas per participant",
    "Paling banyak gagasan yang boleh diajukan satu peserta.": "The most ideas one participant may submit.",
    "Pertanyaan tambahan formulir gagasan": "Extra questions of the idea form",
    "Peserta menjawabnya di formulir gagasan. Tombol tambah, hapus, naik dan turun mengubah daftar di bawah; "
    "tekan Simpan untuk menyimpannya.": (
        "Participants answer them on the idea form. The add, remove, up and down buttons change the list below; "
        "press Save to keep it."
    ),
    "Tidak ada pertanyaan tambahan.": "No extra questions.",
    "Pertanyaan": "Question",
    "Kunci": "Key",
    "Huruf kecil, angka dan garis bawah, misalnya lokasi_uji.": (
        "Lower-case letters, digits and underscores, for example pilot_site."
    ),
    "Pertanyaan (Bahasa Indonesia)": "Question (Indonesian)",
    "Pertanyaan (English)": "Question (English)",
    "Jenis jawaban": "Kind of answer",
    "Teks": "Text",
    "Angka": "Number",
    "Pilihan": "Choice",
    "Pilihan jawaban (satu per baris)": "Choices (one a line)",
    "hanya untuk jenis Pilihan": "only for the Choice kind",
    "Wajib dijawab": "Required",
    "wajib": "required",
    "Naik": "Up",
    "Turun": "Down",
    "Hapus": "Remove",
    "Tambah pertanyaan": "Add a question",
    "Simpan edisi": "Save the edition",
    "Gagasan per kelompok jabatan dan status": "Ideas per position group and status",
    "Belum ada gagasan.": "No ideas yet.",
    "Impor peserta": "Import participants",
    "Unggah berkas": "Upload a file",
    "Berkas CSV atau XLSX": "CSV or XLSX file",
    "Konfirmasi impor": "Import confirmation",
    "Berkas CSV (koma atau titik koma, UTF-8) atau XLSX dengan baris judul: nip, nama, email, kelompok_jabatan, "
    "kode_opd, dan bila ada telepon, unit_kerja. Berkas diperiksa dulu; tidak ada yang diimpor sebelum semua "
    "baris benar.": (
        "A CSV (comma or semicolon, UTF-8) or XLSX file with a header row: nip, nama, email, kelompok_jabatan, "
        "kode_opd, and optionally telepon, unit_kerja. The file is checked first; nothing is imported until every "
        "row is right."
    ),
    "Pilih berkas CSV atau XLSX, paling besar 5 MB.": "Choose a CSV or XLSX file of at most 5 MB.",
    "Periksa berkas": "Check the file",
    "Hasil pemeriksaan": "Check of",
    "Belum ada yang diimpor: perbaiki baris berikut di berkas Anda, lalu unggah lagi.": (
        "Nothing was imported: fix these rows in your file, then upload it again."
    ),
    "kesalahan": "problems",
    "baris": "rows",
    "Kesalahan per baris": "Problems by row",
    "Baris": "Row",
    "Kolom": "Column",
    "Masalah": "Problem",
    "Kode OPD": "Agency code",
    "Telepon": "Phone",
    "Berkas bersih.": "The file is clean.",
    "baru": "new",
    "diperbarui": "updated",
    "tidak berubah": "unchanged",
    "Saya yakin: impor peserta dari berkas ini sekarang": "I am sure: import the participants of this file now",
    "Centang konfirmasi untuk mengimpor.": "Tick the confirmation to import.",
    "Impor sekarang": "Import now",
    "Peserta diimpor dari": "Participants imported from",
    "Baru": "New",
    "Diperbarui": "Updated",
    "Tidak berubah": "Unchanged",
    "Peserta yang diimpor mengaktifkan akunnya lewat halaman Daftar dengan NIP dan email yang sama.": (
        "Imported participants activate their account on the Register page with the same NIP and email."
    ),
    "Gagasan dinyatakan memenuhi syarat.": "The idea was found eligible.",
    "Gagasan dinyatakan tidak memenuhi syarat; peserta melihat alasannya.": (
        "The idea was found not eligible; the participant sees the reason."
    ),
    "gagasan": "ideas",
    "terlambat": "late",
    "Gagasan yang mirip": "Similar ideas",
    "Kemiripan": "Similarity",
    "Tidak ada gagasan lain yang mirip.": "No other idea reads alike.",
    "Keputusan": "Decision",
    "Pilih salah satu.": "Choose one.",
    "Memenuhi syarat": "Eligible",
    "Tidak memenuhi syarat": "Not eligible",
    "wajib bila tidak memenuhi syarat": "required when not eligible",
    "Peserta membaca alasan ini di halaman gagasannya.": "The participant reads this reason on the idea's page.",
    "Simpan dan lanjut": "Save and go on",
    "Semua gagasan yang terkirim sudah diseleksi.": "Every submitted idea has been screened.",
    # status labels of these pages
    "Sebelum pengajuan": "Before submission",
    "Pengajuan dibuka sekarang": "Submission open",
    "Masa tenggang": "Grace period",
    "Seleksi administrasi": "Screening",
    "Menunggu audisi": "Awaiting auditions",
    "Audisi berlangsung": "Auditions",
    "Musyawarah juri": "Deliberation",
    "Sudah diputuskan": "Decided",
}

EDITION_STATUS_LABELS: dict[str, str] = {
    "phase_before_submission": "Sebelum pengajuan",
    "phase_submission_open": "Pengajuan dibuka sekarang",
    "phase_grace_period": "Masa tenggang",
    "phase_screening": "Seleksi administrasi",
    "phase_awaiting_auditions": "Menunggu audisi",
    "phase_auditions": "Audisi berlangsung",
    "phase_deliberation": "Musyawarah juri",
    "phase_decided": "Sudah diputuskan",
}
