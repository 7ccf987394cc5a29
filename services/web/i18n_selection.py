"""The English of the committee's selection, documents and implementation pages."""

from __future__ import annotations

EN_SELECTION: dict[str, str] = {
    "(tidak ada)": "(none)",
    "Alasan penyesuaian": "Reason for the adjustment",
    "Alasan perubahan": "Reason for the change",
    "Aturan seleksi": "Selection rules",
    "Aturan seleksi tersimpan; usulan di bawah dihitung ulang.": (
        "Selection rules saved; the proposal below is recomputed."
    ),
    "Batas waktu tiket perangkat daerah untuk gagasan terpilih.": (
        "The due date of the agencies' tickets for selected ideas."
    ),
    "Belum ada hari audisi.": "No audition day yet.",
    "Belum ada tiket: tiket dibuat saat keputusan diterbitkan.": (
        "No ticket yet: tickets are made when decisions are published."
    ),
    "Berita acara penilaian audisi (PDF)": "Minutes of the audition scoring (PDF)",
    "Berita acara seleksi berkas (PDF)": "Minutes of the screening (PDF)",
    "Bulan": "Month",
    "Centang pernyataan bahwa Anda memahami akibat penerbitan.": (
        "Tick the statement that you understand what publishing does."
    ),
    "Dasar peringkat": "Rank on",
    "Dikirim lebih dahulu": "Submitted earlier",
    "Diterbitkan": "Published",
    "Dokumen": "Documents",
    "Dokumen resmi": "Official documents",
    "Gagasan di bawah nilai ini tidak diusulkan walau masih dalam kuota (0–100).": (
        "Ideas below this score are not proposed even within the quota (0–100)."
    ),
    "Jadwal": "Schedule",
    "Jadwal audisi per hari": "Audition schedule per day",
    "Jumlah": "Total",
    "Jumlah gagasan terbaik yang diusulkan terpilih di tiap kelompok. Kosongkan bila tanpa kuota.": (
        "How many of the best ideas of each group are proposed for selection. Leave empty for no quota."
    ),
    "Kemajuan pelaksanaan per bulan": "Implementation progress by month",
    "Kembali ke seleksi": "Back to the selection",
    "Keputusan": "Decision",
    "Keputusan atas": "The decisions on",
    "Keputusan diterbitkan. Tiket dibuat untuk perangkat daerah pelaksana dan tim pengusul diberi tahu.": (
        "Decisions published. Tickets are made for the implementing agencies and the teams are notified."
    ),
    "Keputusan sudah diterbitkan": "Decisions published",
    "Konfirmasi": "Confirmation",
    "Kriteria": "Criterion",
    "Kuota per kelompok jabatan": "Quota per position group",
    "Lampiran keputusan (PDF)": "Decision list (PDF)",
    "Lanjut ke penerbitan": "Go on to publishing",
    "Lihat tiket pelaksanaan": "See the implementation tickets",
    "Nilai ambang": "Threshold",
    "Nilai sama; urutan ditentukan penentu": "Equal score; the tie-breaks set the order",
    "Pelaksanaan": "Implementation",
    "Pelaksanaan gagasan": "Implementation of the ideas",
    "Penentu ke-": "Tie-break ",
    "Penerima": "Holder",
    "Pengecualian": "Exception",
    "Penilaian sudah dimulai: perubahan aturan wajib disertai alasan dan dicatat.": (
        "Scoring has begun: a change of the rules needs a reason, and is logged."
    ),
    "Penyesuaian tersimpan beserta alasannya.": "Adjustment saved with its reason.",
    "Periksa": "Check",
    "Piagam": "Certificates",
    "Piagam per gagasan": "Certificates per idea",
    "Piagam terbit bersama keputusan.": "Certificates are issued with the decisions.",
    "Rata-rata persen selesai": "Mean percent complete",
    "Rekap dan dokumen": "Recap and documents",
    "Rekap nilai": "Score recap",
    "Rekap nilai (CSV)": "Score recap (CSV)",
    "Rekap nilai (Excel, satu lembar per kelompok jabatan)": "Score recap (Excel, a sheet per position group)",
    "Saya memahami bahwa penerbitan membuat tiket bagi perangkat daerah dan memberi tahu tim pengusul, dan tidak dapat dibatalkan.": (  # noqa: E501
        "I understand that publishing makes tickets for the agencies and notifies the teams, and cannot be undone."
    ),
    "Sebagian keputusan sudah diterbitkan:": "Some decisions are published:",
    "Sebelum menerbitkan, Anda akan melihat apa yang akan terjadi dan diminta mengonfirmasi.": (
        "Before publishing you will see what will happen and be asked to confirm."
    ),
    "Seleksi": "Selection",
    "Seleksi dan penerbitan": "Selection and publication",
    "Semua berkas edisi ini di satu tempat. Berkas diunduh lewat sesi Anda; tautannya tidak memuat kunci akses.": (
        "Every file of this edition in one place. Files download through your session; the links hold no access key."
    ),
    "Semua gagasan yang dinilai sudah diputuskan. Tiket perangkat daerah dan pemberitahuan tim sudah dikirim; penerbitan tidak diulang.": (  # noqa: E501
        "Every scored idea is decided. The agencies' tickets and the teams' notices are sent; "
        "publishing is not repeated."
    ),
    "Seri": "Tie",
    "Sesuai usulan gagasan": "As the idea proposes",
    "Sesuaikan": "Adjust",
    "Setiap piagam memuat kode verifikasi; siapa pun dapat memeriksa keasliannya lewat tautan verifikasi publik.": (
        "Each certificate carries a verification code; anyone can check it through the public verification link."
    ),
    "Setiap tim pengusul diberi tahu hasilnya (terpilih atau tidak) beserta umpan balik juri.": (
        "Every team is told its result (selected or not) with the judges' feedback."
    ),
    "Simpan aturan": "Save the rules",
    "Simpan penyesuaian": "Save the adjustment",
    "Skor mentah lebih tinggi": "Higher raw score",
    "Skor terkalibrasi lebih tinggi": "Higher calibrated score",
    "Target selesai pelaksanaan": "Implementation due date",
    "Terbitkan keputusan": "Publish the decisions",
    "Terbitkan sekarang": "Publish now",
    "Tetapkan kuota dan aturan, periksa usulan per kelompok jabatan, sesuaikan bila perlu dengan alasan, lalu terbitkan keputusan.": (  # noqa: E501
        "Set the quotas and rules, review the proposal per position group, adjust with a reason where needed, "
        "then publish the decisions."
    ),
    "Tidak ada keputusan yang menunggu: semuanya sudah diterbitkan.": "No decision is waiting: all are published.",
    "Tidak ada.": "None.",
    "Tiket per perangkat daerah menurut status": "Tickets per agency by status",
    "Tiket perangkat daerah untuk gagasan terpilih: statusnya per perangkat daerah dan kemajuan dari bulan ke bulan.": (
        "The agencies' tickets for the selected ideas: their status per agency and progress month by month."
    ),
    "Tiket terlaksana (persen)": "Tickets implemented (percent)",
    "Unduh": "Download",
    "Unduh rekap dan dokumen": "Download the recap and documents",
    "Urutan menurut aturan di atas. Garis kuota memisahkan yang diusulkan terpilih. Penyesuaian di luar aturan ditandai sebagai pengecualian.": (  # noqa: E501
        "Ordered by the rules above. The quota line marks off the ideas proposed for selection. "
        "An adjustment outside the rules is marked as an exception."
    ),
    "Urutan penentu bila nilai sama": "Tie-breaks, in order",
    "Usulan per kelompok jabatan": "Proposal per position group",
    "Verifikasi publik": "Public verification",
    "Wajib diisi setelah penilaian dimulai.": "Required once scoring has begun.",
    "Wajib diisi; dicatat dan tercantum di berita acara.": "Required; logged and printed in the minutes.",
    "Yang akan terjadi": "What will happen",
    "gagasan diterbitkan dan tidak dapat diubah lagi di halaman ini.": (
        "ideas are published and cannot be changed here."
    ),
    "gagasan terpilih: tiap gagasan mendapat tiket di perangkat daerah pelaksananya.": (
        "selected ideas: each gets a ticket at its implementing agency."
    ),
    "kuota": "quota",
    "sesi": "slots",
    "tanpa batas": "no limit",
    "tersedia setelah keputusan diterbitkan": "available once decisions are published",
    "tiket": "tickets",
}
