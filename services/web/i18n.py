"""The pages' words: written in Indonesian in the templates, with their English here.

A template says `{{ _("Simpan draf") }}`; in English the page shows `Save draft`. A test checks that
every Indonesian text of the templates has its English.
"""

from __future__ import annotations

from services.web.i18n_audition import EN_AUDITION
from services.web.i18n_selection import EN_SELECTION
from services.web.i18n_staff import EN_STAFF, STAFF_STATUS_LABELS

EN: dict[str, str] = {
    "1. Ajukan gagasan": "1. Submit an idea",
    "18 digit, tanpa spasi.": "18 digits, no spaces.",
    "2. Audisi di depan juri": "2. Pitch to the judges",
    "3. Dijalankan perangkat daerah": "3. An agency carries it out",
    "ASN Kabupaten Trenggalek mengajukan gagasan agar pelayanan publik lebih cepat, lebih murah dan lebih "
    "sederhana. Gagasan terbaik dijalankan oleh perangkat daerah, dan kemajuannya terbuka untuk warga.": (
        "Civil servants of Trenggalek regency propose ideas that make public services faster, cheaper and simpler. "
        "The best ideas are carried out by the regency's agencies, and citizens can follow their progress."
    ),
    "Ada yang perlu diperbaiki": "There is a problem",
    "Ajang": "Edition",
    "Akuntabilitas publik": "Public accountability",
    "Alasan": "Reason",
    "Anda belum menulis gagasan.": "You have not written an idea yet.",
    "Anda dapat menyimpan draf kapan saja; semua isian wajib diperiksa saat gagasan dikirim.": (
        "You can save a draft at any time; every required field is checked when you submit the idea."
    ),
    "Anda diundang menjadi anggota tim gagasan ini oleh": "You were invited to join this idea's team by",
    "Anda masih dapat mengubah gagasan sampai": "You can still change the idea until",
    "Anda sudah keluar.": "You have signed out.",
    "Anggaran": "Budget",
    "Audisi gagasan pelayanan publik": "Public service idea auditions",
    "Audisi – ajang gagasan ASN untuk pelayanan publik yang lebih cepat, murah dan sederhana.": (
        "Audisi – civil servants' ideas for faster, cheaper and simpler public services."
    ),
    "Baru": "New",
    "Batal": "Cancel",
    "Batas pengiriman": "Deadline",
    "Belum ada ajang yang dibuka.": "No edition is open yet.",
    "Belum ada gagasan terpilih untuk ajang ini.": "No idea of this edition has been selected yet.",
    "Belum ada lampiran.": "No attachments yet.",
    "Belum ada laporan kemajuan.": "No progress report yet.",
    "Belum ada notifikasi.": "No notifications yet.",
    "Belum punya akun?": "No account yet?",
    "Belum terpilih": "Not selected",
    "Beranda": "Home",
    "Berjalan": "In progress",
    "Biaya yang dihemat per tahun (Rp)": "Cost saved per year (Rp)",
    "Biaya yang dihemat per tahun": "Cost saved per year",
    "Bidang layanan": "Service area",
    "Catatan juri": "Judges' comments",
    "Contoh: 45.000.000": "Example: 45.000.000",
    "Contoh: 5.000.000": "Example: 5.000.000",
    "Daftar sebagai peserta": "Register as a participant",
    "Daftar": "Register",
    "Data terbuka": "Open data",
    "Dikirim": "Submitted",
    "Email": "Email",
    "Gagasan ini masih draf. Kirim sebelum": "This idea is still a draft. Submit it before",
    "Gagasan saya": "My ideas",
    "Gagasan terpilih dan kemajuannya": "Selected ideas and their progress",
    "Gagasan terpilih menjadi tiket pelaksanaan. Warga dapat memantau kemajuannya.": (
        "Selected ideas become implementation tickets. Citizens can follow their progress."
    ),
    "Gagasan terpilih": "Selected ideas",
    "Gagasan yang lolos seleksi dipaparkan di hadapan panel juri dan dinilai dengan rubrik.": (
        "Eligible ideas are pitched to a panel of judges and scored on a rubric."
    ),
    "Isi gagasan": "The idea",
    "Jadwal audisi": "Audition slot",
    "Jadwal penilaian": "Judging schedule",
    "Jenis mitra": "Kind of partner",
    "Judul gagasan": "Title of the idea",
    "Judul": "Title",
    "Kabupaten Trenggalek": "Trenggalek Regency",
    "Kata sandi": "Password",
    "Kelompok jabatan": "Position group",
    "Keluar": "Sign out",
    "Kembali ke beranda": "Back to the home page",
    "Kembali ke gagasan saya": "Back to my ideas",
    "Kembali ke gagasan": "Back to the idea",
    "Keputusan juri": "Judges' decision",
    "Kesalahan": "Error",
    "Kirim gagasan": "Submit the idea",
    "Kriteria": "Criterion",
    "Lampiran": "Attachments",
    "Langsung ke isi": "Skip to main content",
    "Laporan kemajuan": "Progress reports",
    "Lihat gagasan terpilih": "See the selected ideas",
    "Lihat tonggak dan laporan kemajuan": "See milestones and progress reports",
    "Lolos": "Eligible",
    "Masalah yang diselesaikan": "Problem it solves",
    "Masuk ke Audisi": "Sign in to Audisi",
    "Masuk": "Sign in",
    "Misalnya: kependudukan, kesehatan, perizinan.": "For example: civil registry, health, permits.",
    "Mitra": "Partner",
    "NIP atau email": "NIP or email",
    "NIP": "NIP",
    "Nama lengkap": "Full name",
    "Nama mitra": "Partner's name",
    "Nomor HP": "Mobile number",
    "Notifikasi": "Notifications",
    "PDF, gambar, PPTX, DOCX, XLSX atau MP4, misalnya bahan paparan.": (
        "PDF, images, PPTX, DOCX, XLSX or MP4, for example your pitch deck."
    ),
    "Paling sedikit 8 karakter.": "At least 8 characters.",
    "Pelaksanaan": "Implementation",
    "Pemerintah Kabupaten Trenggalek": "Government of Trenggalek Regency",
    "Penanggung jawab": "Person in charge",
    "Penerima manfaat": "Beneficiaries",
    "Pengusul": "Proposer",
    "Perangkat daerah belum menyusun tonggak.": "The agency has not planned milestones yet.",
    "Perangkat daerah pelaksana": "Implementing agency",
    "Perangkat daerah": "Agency",
    "Perkembangan": "Progress",
    "Perkiraan anggaran (Rp)": "Estimated budget (Rp)",
    "Perkiraan anggaran": "Estimated budget",
    "Pertanyaan tambahan ajang ini": "This edition's extra questions",
    "Peserta masuk dengan NIP 18 digit; juri dan panitia dengan email.": (
        "Participants sign in with their 18-digit NIP; judges and the committee with their email."
    ),
    "Rata-rata": "Mean",
    "Seleksi administrasi": "Screening",
    "Selesai": "Done",
    "Semua waktu dalam WIB.": "All times are in WIB (UTC+7).",
    "Setiap gagasan terpilih dijalankan oleh satu perangkat daerah. Halaman ini menunjukkan sejauh mana.": (
        "Each selected idea is carried out by one agency. This page shows how far each has come."
    ),
    "Siapa yang mengalami, seberapa sering, dan apa akibatnya.": "Who has it, how often, and what it costs them.",
    "Simpan draf": "Save draft",
    "Simpan perubahan": "Save changes",
    "Singkat dan jelas, misalnya: Antrean online pembuatan KTP-el di kecamatan.": (
        "Short and clear, for example: Online queue for ID cards at the district office."
    ),
    "Solusi": "Solution",
    "Status": "Status",
    "Tambah lampiran": "Add an attachment",
    "Tandai semua sudah dibaca": "Mark all as read",
    "Target selesai": "Due",
    "Target": "Due",
    "Tarik gagasan": "Withdraw the idea",
    "Terima undangan": "Accept the invitation",
    "Terlambat": "Overdue",
    "Terpilih": "Selected",
    "Tidak lolos": "Not eligible",
    "Tiket pelaksanaan": "Implementation ticket",
    "Tiket": "Ticket",
    "Tim": "Team",
    "Tolak": "Decline",
    "Tonggak": "Milestones",
    "Tulis gagasan baru": "Write a new idea",
    "Tulis masalah, solusi, dan penghematan waktu serta biaya. Undang rekan satu tim.": (
        "Describe the problem, your solution and the time and money it saves. Invite your teammates."
    ),
    "Ubah gagasan": "Change the idea",
    "Umpan balik juri": "Judges' feedback",
    "Undang rekan dengan NIP": "Invite a colleague by NIP",
    "Undang": "Invite",
    "Unggah": "Upload",
    "Untuk ASN Pemerintah Kabupaten Trenggalek. Anda akan masuk dengan NIP.": (
        "For civil servants of Trenggalek regency. You will sign in with your NIP."
    ),
    "Wajib diisi": "Required",
    "Waktu yang dihemat per layanan (menit)": "Time saved per case (minutes)",
    "Waktu yang dihemat per layanan": "Time saved per case",
    "anggota tim": "team member",
    "belum": "not yet",
    "gagasan terpilih": "selected ideas",
    "janji hemat": "promised saving",
    "menit per layanan": "minutes per case",
    "menit": "minutes",
    "menunggu": "waiting",
    "nilai": "score",
    "pengusul": "proposer",
    "peringkat": "rank",
    "revisi": "revision",
    "sudah terlaksana": "implemented",
    "tidak wajib": "optional",
    "– pilih –": "– choose –",
    "Kemajuan pelaksanaan": "Implementation progress",
    "Kemajuan": "Progress",
    "Menu utama": "Main menu",
    # messages of the web front itself
    "Formulir ini kedaluwarsa. Muat ulang halaman lalu coba lagi.": (
        "This form has expired. Reload the page and try again."
    ),
    "Halaman ini bukan untuk peran Anda.": "This page is not for your role.",
    "Halaman yang Anda cari tidak ada.": "The page you are looking for does not exist.",
    "Tidak ditemukan": "Not found",
    "Tidak berwenang": "Not allowed",
    "Layanan tidak tersedia": "Service unavailable",
    "Terjadi kesalahan": "Something went wrong",
    "Isi NIP atau email Anda.": "Enter your NIP or email.",
    "Isi kata sandi Anda.": "Enter your password.",
    # notices after a form
    "Gagasan tersimpan.": "Idea saved.",
    "Gagasan terkirim. Panitia akan menyeleksinya.": "Idea submitted. The committee will screen it.",
    "Gagasan ditarik.": "Idea withdrawn.",
    "Undangan terkirim.": "Invitation sent.",
    "Anda sekarang anggota tim gagasan ini.": "You are now a member of this idea's team.",
    "Undangan ditolak.": "Invitation declined.",
    "Lampiran tersimpan.": "Attachment saved.",
    # The account pages (emailed links, forgotten and changed passwords).
    "Aktifkan akun": "Activate your account",
    "Aktifkan akun saya": "Activate my account",
    "Atur kata sandi baru": "Set a new password",
    "Buka tautan itu untuk mengaktifkan akun Anda; sesudahnya Anda dapat masuk dengan NIP dan kata sandi.": (
        "Open that link to activate your account; then you can sign in with your NIP and password."
    ),
    "Email Anda sudah dipastikan. Silakan masuk dengan NIP dan kata sandi Anda.": (
        "Your email is confirmed. Sign in with your NIP and password."
    ),
    "Jika akun Anda sudah aktif, silakan masuk.": "If your account is already active, please sign in.",
    "Jika alamat ini terdaftar di Audisi, kami sudah mengirim tautan untuk mengatur kata sandi baru ke": (
        "If this address has an Audisi account, we have sent a link to set a new password to"
    ),
    "Kami mengirim tautan ke": "We have sent a link to",
    "Kami mengirim tautan ke email Anda; akun aktif setelah tautan itu dibuka.": (
        "We email you a link; the account is active once you open it."
    ),
    "Kata sandi baru": "New password",
    "Kata sandi baru tersimpan. Silakan masuk dengannya.": "Your new password is saved. Sign in with it.",
    "Kata sandi diubah. Sesi Anda di perangkat lain sudah berakhir.": (
        "Your password is changed. Your sessions on other devices have ended."
    ),
    "Kata sandi sekarang": "Current password",
    "Kirim tautan": "Send the link",
    "Lupa kata sandi": "Forgotten password",
    "Lupa kata sandi?": "Forgotten your password?",
    "Minta tautan baru": "Ask for a new link",
    "Minta tautan baru untuk mengatur kata sandi.": "Ask for a new link to set your password.",
    "Minta tautan lagi": "Ask for the link again",
    "Paling sedikit 8 karakter. Sesi Anda di perangkat lain akan berakhir.": (
        "At least 8 characters. Your sessions on other devices will end."
    ),
    "Perlu tautan baru? Daftar lagi dengan NIP dan email yang sama; kami mengirim tautan baru ke email itu.": (
        "Need a new link? Register again with the same NIP and email; we send a new link to that email."
    ),
    "Periksa email Anda": "Check your email",
    "Simpan kata sandi": "Save the password",
    "Sudah terdaftar lewat impor panitia? Daftar dengan NIP dan email yang sama seperti di data panitia, lalu buka "
    "tautan di email untuk memakai akun itu.": (
        "Already registered by the committee's import? Register with the same NIP and email as on record, then open "
        "the emailed link to take over that account."
    ),
    "Tautan berlaku selama": "The link is valid for",
    "Tautan hanya dapat dipakai sekali. Tidak menerima email? Periksa folder spam atau minta tautan lagi.": (
        "The link works once. No email? Look in your spam folder or ask for the link again."
    ),
    "Tautan ini tidak lengkap. Buka tautan dari email Anda sekali lagi.": (
        "This link is incomplete. Open the link from your email once more."
    ),
    "Tekan tombol di bawah untuk memastikan email ini milik Anda. Setelah itu Anda dapat masuk dengan NIP dan kata "
    "sandi Anda.": (
        "Press the button below to confirm this email is yours. Then you can sign in with your NIP and password."
    ),
    "Tidak menerima email? Periksa folder spam, atau daftar lagi dengan NIP dan email yang sama untuk menerima "
    "tautan baru.": (
        "No email? Look in your spam folder, or register again with the same NIP and email to receive a new link."
    ),
    "Tulis email akun Anda. Kami mengirim tautan untuk mengatur kata sandi baru.": (
        "Enter your account's email. We send you a link to set a new password."
    ),
    "Ubah kata sandi": "Change password",
    "jam": "hours",
    # The judge's conflict declaration and pitch deck.
    "Atasan atau bawahan langsung": "Direct supervisor or subordinate",
    "Belum ada gagasan untuk panel Anda.": "There are no ideas for your panel yet.",
    "Hubungan dengan tim pengusul": "Tie to the proposing team",
    "Isi pernyataan konflik kepentingan": "Declare conflicts of interest",
    "Keluarga": "Family",
    "Keterangan": "Note",
    "Kirim pernyataan": "Send the declaration",
    "Konflik dari data kepegawaian (perangkat daerah dan unit kerja yang sama, anggota tim) sudah diperiksa "
    "otomatis. Nyatakan di sini hubungan lain dengan tim pengusul: Anda tidak akan menilai gagasan itu, dan "
    "pernyataan ini dicatat.": (
        "Conflicts in the HR data (the same agency or work unit, being on the team) are checked automatically. "
        "Declare any other tie to a proposing team here: you will not judge that idea, and the declaration is logged."
    ),
    "Lampiran tidak ditemukan.": "Attachment not found.",
    "Lainnya": "Other",
    "Pernyataan konflik kepentingan": "Conflict-of-interest declaration",
    "Pernyataan konflik kepentingan Anda sudah tercatat.": "Your conflict-of-interest declaration is recorded.",
    "Sebelum menilai, nyatakan dulu hubungan Anda dengan tim pengusul yang tidak tercatat di data kepegawaian "
    "(keluarga, atasan langsung).": (
        "Before scoring, declare any tie to a proposing team that the HR data does not show (family, direct "
        "supervisor)."
    ),
    "Tidak ada": "None",
    "wajib untuk Lainnya": "required for Other",
}

# Codes of the APIs (statuses, groups, field names) as people read them, in Indonesian (then translated).
STATUS_LABELS: dict[str, str] = {
    "draft": "Draf",
    "submitted": "Terkirim",
    "withdrawn": "Ditarik",
    "eligible": "Lolos seleksi",
    "not_eligible": "Tidak lolos seleksi",
    "selected": "Terpilih",
    "not_selected": "Belum terpilih",
    "ticket_new": "Baru",
    "ticket_accepted": "Diterima perangkat daerah",
    "ticket_in_progress": "Dikerjakan",
    "ticket_piloting": "Uji coba",
    "ticket_implemented": "Terlaksana",
    "ticket_blocked": "Terhambat",
    "ticket_cancelled": "Dibatalkan",
    "group_pengawas": "Pengawas",
    "group_fungsional_penyetaraan": "Fungsional penyetaraan",
    "group_fungsional_ahli": "Fungsional ahli",
    "group_pelaksana": "Pelaksana",
    "partner_community": "Komunitas",
    "partner_business": "Dunia usaha",
    "partner_university": "Perguruan tinggi",
    "partner_agency": "Instansi pemerintah",
    "partner_other": "Lainnya",
    "member_invited": "diundang",
    "member_accepted": "anggota",
    "member_declined": "menolak",
    "field_problem": "Masalah yang diselesaikan",
    "field_solution": "Solusi",
    "field_beneficiaries": "Penerima manfaat",
    "field_time_saved_minutes_per_case": "Waktu yang dihemat per layanan",
    "field_cost_saved_per_year_rp": "Biaya yang dihemat per tahun",
    "field_estimated_budget_rp": "Perkiraan anggaran",
    "field_target_agency_code": "Perangkat daerah pelaksana",
    "field_service_area": "Bidang layanan",
}

EN.update(
    {
        "Draf": "Draft",
        "Terkirim": "Submitted",
        "Ditarik": "Withdrawn",
        "Lolos seleksi": "Eligible",
        "Tidak lolos seleksi": "Not eligible",
        "Diterima perangkat daerah": "Accepted by the agency",
        "Dikerjakan": "In progress",
        "Uji coba": "Piloting",
        "Terlaksana": "Implemented",
        "Terhambat": "Blocked",
        "Dibatalkan": "Cancelled",
        "Pengawas": "Supervisors",
        "Fungsional penyetaraan": "Functional (equivalency)",
        "Fungsional ahli": "Functional (expert)",
        "Pelaksana": "Executors",
        "Komunitas": "Community",
        "Dunia usaha": "Business",
        "Perguruan tinggi": "University",
        "Instansi pemerintah": "Government agency",
        "Lainnya": "Other",
        "diundang": "invited",
        "anggota": "member",
        "menolak": "declined",
    }
)

# the judge's pages
EN.update(
    {
        "(tanpa judul)": "(untitled)",
        "Bahan paparan": "Pitch deck",
        "Peserta tidak melampirkan bahan paparan.": "The participant attached no pitch deck.",
        "Alasan (misalnya hubungan keluarga dengan pengusul)": "Reason (for example a family tie with the proposer)",
        "Anda mundur dari penilaian gagasan itu; panitia sudah tercatat.": (
            "You stepped back from judging that idea; it is logged for the committee."
        ),
        "Belum dinilai": "Not scored",
        "Belum terkirim": "Not sent yet",
        "Catatan untuk": "Comment on",
        "Ditolak": "Refused",
        "Gagasan lain panel Anda": "Your panel's other ideas",
        "Hari ini": "Today",
        "Jeda": "Pause",
        "Kirim dan kunci nilai": "Submit and lock the scores",
        "Konflik kepentingan": "Conflict of interest",
        "Menyimpan…": "Saving…",
        "Mulai": "Start",
        "Mundur": "Step back",
        "Mundur dari penilaian gagasan ini": "Step back from judging this idea",
        "Nilai terkirim dan terkunci.": "Scores submitted and locked.",
        "Nilai tersimpan.": "Scores saved.",
        "Penilaian": "Scoring",
        "Sedang dinilai": "Scoring started",
        "Setelah dikirim, nilai terkunci dan tidak dapat diubah lagi kecuali dibuka oleh panitia.": (
            "Once submitted, the scores are locked and cannot be changed unless the committee reopens them."
        ),
        "Simpan nilai": "Save scores",
        "Terkunci": "Locked",
        "Tersimpan": "Saved",
        "Tidak ada paparan terjadwal hari ini untuk panel Anda.": "No pitch is scheduled for your panel today.",
        "Tunggu sampai semua nilai terkirim.": "Wait until every score has been sent.",
        "Ulang": "Reset",
        "Waktu paparan": "Pitch time",
        "Waktu paparan habis": "Pitch time is over",
        "bobot": "weight",
        "tidak dihitung": "not counted",
        "Pilih nilai untuk paling sedikit satu kriteria.": "Choose a score for at least one criterion.",
    }
)


# Signing in through the regency's single sign-on (services/web/auth/sso.py).
EN.update(
    {
        "Atau dengan akun pemerintah daerah": "Or with your regency account",
        "Pegawai yang punya akun SSO Pemerintah Kabupaten dapat masuk dengannya, tanpa kata sandi Audisi.": (
            "Staff with a regency single sign-on account can sign in with it, without an Audisi password."
        ),
        "Masuk dengan SSO": "Sign in with SSO",
        "SSO pemerintah daerah tidak dapat dihubungi. Coba lagi sebentar lagi, atau masuk dengan kata sandi.": (
            "The regency's single sign-on cannot be reached. Try again shortly, or sign in with your password."
        ),
        "Proses masuk dengan SSO kedaluwarsa atau tidak cocok dengan peramban ini. Silakan coba lagi.": (
            "The single sign-on attempt expired or does not belong to this browser. Please try again."
        ),
        "SSO pemerintah daerah tidak mengizinkan masuk. Silakan coba lagi, atau masuk dengan kata sandi.": (
            "The regency's single sign-on did not let you in. Try again, or sign in with your password."
        ),
    }
)
EN.update(EN_STAFF)
EN.update(EN_SELECTION)
EN.update({text: english for text, english in EN_AUDITION.items() if text not in EN})
STATUS_LABELS.update(STAFF_STATUS_LABELS)


def translate(text: str, language: str) -> str:
    """The text in `language`: Indonesian as written, English from the table (Indonesian when missing)."""
    if language == "en":
        return EN.get(text, text)
    return text
