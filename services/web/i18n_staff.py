"""The English of the agency officer's and the admin's pages (kept apart from `i18n.py`, which holds the
participants', judges' and public pages' words)."""

from __future__ import annotations

from services.web.i18n_edition import EDITION_STATUS_LABELS, EN_EDITION

EN_STAFF: dict[str, str] = {
    "Sebelum kalibrasi": "Before calibration",
    "Sesudah kalibrasi": "After calibration",
    "Sebaran nilai per juri, sebelum dan sesudah kalibrasi (rata-rata ± simpangan baku)": (
        "Each judge's scores before and after calibration (mean ± standard deviation)"
    ),
    "Juri sebelum dan sesudah kalibrasi": "Judges before and after calibration",
    "Rata-rata mentah": "Raw mean",
    "Simpangan mentah": "Raw deviation",
    "Rata-rata terkalibrasi": "Calibrated mean",
    "Simpangan terkalibrasi": "Calibrated deviation",
    "Belum ada nilai yang terkunci.": "No locked score yet.",
    "Hasil penilaian": "Results",
    "Skor mentah dan terkalibrasi berdampingan; gagasan yang dinilai sangat berbeda oleh para juri ditandai.": (
        "Raw and calibrated scores side by side; ideas the judges scored very differently are flagged."
    ),
    "Skor mentah dan terkalibrasi per gagasan": "Raw and calibrated score per idea",
    "Gagasan per kelompok jabatan": "Ideas per position group",
    "Hasil per gagasan": "Results per idea",
    "Peringkat": "Rank",
    "Skor mentah": "Raw score",
    "Skor terkalibrasi": "Calibrated score",
    "Kesepakatan (W)": "Agreement (W)",
    "Usulan": "Proposal",
    "Perlu dibahas": "To discuss",
    "Tidak terpilih": "Not selected",
    "Belum ada gagasan yang dinilai di babak ini.": "No idea scored in this round yet.",
    "Papan penilaian": "Scoring board",
    "Babak seleksi berkas": "Screening round",
    "Babak audisi": "Audition round",
    "Nilai juri muncul di sini begitu disimpan, tanpa memuat ulang halaman.": (
        "Judges' scores appear here as soon as they are saved, without reloading the page."
    ),
    "Gagasan": "Ideas",
    "Lengkap": "Complete",
    "Keadaan saat halaman dibuka.": "The state when the page was opened.",
    "Diperbarui langsung pukul": "Updated live at",
    "Sambungan langsung terputus; mencoba lagi…": "The live connection dropped; trying again…",
    "Keadaan penilaian per gagasan dan juri": "Scoring state by idea and judge",
    "Ruang dan waktu": "Room and time",
    "Belum": "Not yet",
    "Dikecualikan": "Excluded",
    "Belum ada gagasan di babak ini.": "No idea in this round yet.",
    "Admin": "Admin",
    "Aktif": "Active",
    "Aktifkan": "Reactivate",
    "Akun": "Accounts",
    "Akun diaktifkan kembali.": "The account is active again.",
    "Akun dibuat.": "Account created.",
    "Akun dinonaktifkan; semua sesinya berakhir.": "Account deactivated; every session of it has ended.",
    "Alamat (URL)": "Address (URL)",
    "Alamat https sistem perangkat daerah Anda.": "The https address of your agency's system.",
    "Alamat terdaftar": "Endpoint registered",
    "Antrean": "Queue",
    "Belum ada alamat terdaftar.": "No endpoint registered yet.",
    "Belum ada pengiriman.": "Nothing delivered yet.",
    "Belum ada tonggak.": "No milestone yet.",
    "Berikutnya": "Next",
    "Biaya per tahun sebelum (Rp)": "Cost per year before (Rp)",
    "Biaya per tahun sesudah (Rp)": "Cost per year after (Rp)",
    "Buat akun": "Create the account",
    "Buat akun staf": "Create a staff account",
    "Bukti": "Evidence",
    "Catatan pengukuran": "Measurement note",
    "Daftarkan": "Register",
    "Daftarkan alamat": "Register an endpoint",
    "Dampak tercatat.": "Impact recorded.",
    "Dampak terukur": "Measured impact",
    "Dengan kode yang sudah ada, nama dan email diganti; perangkat daerah yang dinonaktifkan aktif kembali.": (
        "With an existing code, the name and email are replaced; a deactivated agency becomes active again."
    ),
    "Didaftarkan": "Registered",
    "Dihentikan": "Stopped",
    "Dijanjikan gagasan": "Promised by the idea",
    "Dikirim ulang": "Sent again",
    "Disimpan": "Parked",
    "Email resmi": "Official email",
    "Foto, dokumen atau berita, misalnya https://trenggalekkab.go.id/berita/...": (
        "Photos, documents or news, for example https://trenggalekkab.go.id/berita/..."
    ),
    "Gagasan terpilih yang harus dijalankan perangkat daerah Anda, menurut statusnya.": (
        "The selected ideas your agency carries out, by status."
    ),
    "Halaman": "Pages",
    "Hentikan": "Stop",
    "Huruf besar, angka dan tanda hubung, misalnya KEC-WATULIMO.": (
        "Capital letters, digits and hyphens, for example KEC-WATULIMO."
    ),
    "Kata sandi awal": "First password",
    "Keadaan": "State",
    "Kesalahan terakhir": "Last error",
    "Kirim laporan": "Post the report",
    "Kirim ulang": "Send again",
    "Kirim ulang semua": "Send all again",
    "Kode": "Code",
    "Kontak penanggung jawab": "Contact of the person in charge",
    "Laporan": "Report",
    "Laporan kemajuan tersimpan.": "Progress report saved.",
    "Layanan": "Service",
    "Menu admin": "Admin menu",
    "Nama": "Name",
    "Nama atau email": "Name or email",
    "Nonaktif": "Deactivated",
    "Nonaktifkan": "Deactivate",
    "Paling sedikit 8 karakter; sampaikan kepada pemilik akun, yang dapat menggantinya.": (
        "At least 8 characters; give it to the account's owner, who can change it."
    ),
    "Penanggung jawab dan mitra": "Person in charge and partners",
    "Penanggung jawab dan mitra tersimpan.": "Person in charge and partners saved.",
    "Mitra yang disebut dalam gagasan": "Partners named in the idea",
    "Mitra pelaksana (satu per baris)": "Partners carrying it out (one a line)",
    "Misalnya Karang Taruna Watulimo, atau perguruan tinggi yang membantu.": (
        "For example Karang Taruna Watulimo, or a university that helps."
    ),
    "Simpan penanggung jawab dan mitra": "Save the person in charge and partners",
    "Pengiriman ke alamat itu dihentikan.": "Deliveries to that endpoint have stopped.",
    "Pengiriman terakhir": "Recent deliveries",
    "Peran": "Role",
    "Peran dan perangkat daerah": "Role and agency",
    "Peran diubah; sesi akun itu berakhir agar peran baru berlaku.": (
        "Role changed; the account's sessions have ended so that the new role applies."
    ),
    "Perangkat daerah dinonaktifkan; kodenya tidak dapat dipakai untuk data baru.": (
        "Agency deactivated; its code cannot be used for new records."
    ),
    "Perangkat daerah tersimpan.": "Agency saved.",
    "Percobaan": "Attempts",
    "Peristiwa": "Event",
    "Persen selesai": "Percent complete",
    "Pesan gagal": "Dead letters",
    "Pesan yang tidak terkirim atau tidak dapat diproses disimpan di sini, tidak pernah dibuang. Perbaiki "
    "penyebabnya dahulu, lalu kirim ulang.": (
        "Messages that could not be delivered or handled are kept here, never dropped. Fix the cause first, "
        "then send them again."
    ),
    "Peserta mendaftar sendiri dengan NIP; di sini admin membuat akun juri, panitia, petugas perangkat daerah "
    "dan admin.": (
        "Participants register themselves with their NIP; here an admin creates the accounts of judges, the "
        "committee, agency officers and admins."
    ),
    "Sebagian perubahan status wajib disertai alasan; Anda akan diberi tahu bila alasan belum diisi.": (
        "Some status changes need a reason; you will be told when one is missing."
    ),
    "Sebelumnya": "Previous",
    "Semua": "All",
    "Semua peran": "All roles",
    "Setiap perubahan tiket perangkat daerah Anda dikirim ke alamat ini, ditandatangani (Standard Webhooks).": (
        "Every change of your agency's tickets is sent to these endpoints, signed (Standard Webhooks)."
    ),
    "Simpan dampak": "Save the impact",
    "Simpan kunci penanda tangan ini sekarang; kunci ini tidak ditampilkan lagi.": (
        "Keep this signing secret now; it is not shown again."
    ),
    "Simpan perangkat daerah": "Save the agency",
    "Simpan status": "Save the status",
    "Status baru": "New status",
    "Status tiket diubah.": "Ticket status changed.",
    "Tambah atau ubah perangkat daerah": "Add or change an agency",
    "Tambah tonggak": "Add the milestone",
    "Tampilkan": "Show",
    "Tandai selesai": "Mark done",
    "Tautan bukti (satu per baris)": "Evidence links (one a line)",
    "Terukur": "Measured",
    "Tidak ada akun yang cocok.": "No account matches.",
    "Tidak ada perubahan status yang dapat Anda lakukan pada tiket ini.": "There is no status change you can make.",
    "Tidak ada pesan gagal.": "No dead letters.",
    "Tidak ada tiket.": "No tickets.",
    "Tiket perangkat daerah": "Agency tickets",
    "Tindakan": "Actions",
    "Tonggak baru": "New milestone",
    "Tonggak ditambahkan.": "Milestone added.",
    "Tonggak ditandai selesai.": "Milestone marked done.",
    "Ubah peran": "Change the role",
    "Ubah status": "Change the status",
    "Unit kerja": "Work unit",
    "Wajib untuk petugas perangkat daerah.": "Required for agency officers.",
    "Waktu per layanan sebelum (menit)": "Time per case before (minutes)",
    "Waktu per layanan sesudah (menit)": "Time per case after (minutes)",
    "Webhook": "Webhooks",
    "Webhook perangkat daerah": "Agencies' webhooks",
    "Webhook sistem perangkat daerah": "Webhooks to your agency's systems",
    "akun": "accounts",
    "akun Anda": "your account",
    "belum diukur": "not measured yet",
    "email belum dipastikan": "email not verified yet",
    "halaman": "page",
    "per tahun": "per year",
    "pesan": "messages",
    # status labels of these pages
    "Peserta": "Participant",
    "Juri": "Judge",
    "Panitia": "Committee",
    "Petugas perangkat daerah": "Agency officer",
    "Administrator": "Administrator",
    "Menunggu": "Pending",
    "Terkirim ke sistem": "Delivered",
    "Gagal": "Failed",
    # The evidence files of progress reports (agency/evidence.py, agency/ticket.html).
    "Berkas bukti": "Evidence files",
    "Tambah berkas bukti": "Add evidence files",
    "Hapus": "Delete",
    "Ya, hapus berkas": "Yes, delete the file",
    "Berkas ini dihapus untuk semua orang, juga dari halaman publik, dan tidak dapat dikembalikan.": (
        "The file is deleted for everyone, from the public page too, and cannot be brought back."
    ),
    (
        "PDF, foto (PNG, JPEG, WEBP), PPTX, DOCX, XLSX atau video MP4; boleh lebih dari satu, paling besar 20 MB"
        " sekali kirim. Foto tampil di"
        " halaman publik setelah gagasan terlaksana, jadi jangan unggah foto dokumen pribadi."
    ): (
        "PDF, photos (PNG, JPEG, WEBP), PPTX, DOCX, XLSX or MP4 video; more than one is fine, up to 20 MB"
        " at a time. Photos appear on the"
        " public page once the idea is implemented, so do not upload photos of personal documents."
    ),
    "Laporan kemajuan tersimpan, tetapi berkas buktinya ditolak; lihat pesan di bawah laporan itu.": (
        "Progress report saved, but its evidence file was refused; see the message under that report."
    ),
    "Berkas bukti diunggah.": "Evidence file uploaded.",
    "Berkas bukti dihapus.": "Evidence file deleted.",
}

STAFF_STATUS_LABELS: dict[str, str] = {
    "role_participant": "Peserta",
    "role_judge": "Juri",
    "role_committee": "Panitia",
    "role_agency": "Petugas perangkat daerah",
    "role_admin": "Administrator",
    "delivery_pending": "Menunggu",
    "delivery_delivered": "Terkirim ke sistem",
    "delivery_dead": "Gagal",
}

EN_STAFF.update(EN_EDITION)
STAFF_STATUS_LABELS.update(EDITION_STATUS_LABELS)
