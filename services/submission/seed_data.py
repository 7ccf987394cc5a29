"""Demo data for the seed: Javanese names and realistic public-service problems of Trenggalek."""

from __future__ import annotations

from dataclasses import dataclass

MALE = (
    "Agus", "Bambang", "Budi", "Dwi", "Eko", "Hadi", "Heru", "Joko", "Kusnadi", "Mulyono", "Nur", "Prasetyo",
    "Rudi", "Slamet", "Sugeng", "Suharto", "Teguh", "Wahyu", "Yusuf", "Anang", "Arif", "Fajar", "Hendra", "Imam",
)  # fmt: skip
FEMALE = (
    "Ani", "Dewi", "Endang", "Fitri", "Indah", "Kartika", "Lestari", "Ningsih", "Puji", "Rina", "Sri", "Siti",
    "Tri", "Wulan", "Yuni", "Ayu", "Dian", "Eka", "Handayani", "Mega", "Novi", "Ratna", "Retno", "Umi",
)  # fmt: skip
FAMILY = (
    "Santoso", "Wibowo", "Susanto", "Rahayu", "Purnomo", "Hidayat", "Setiawan", "Kurniawan", "Wahyuni",
    "Pratama", "Saputra", "Utomo", "Suryani", "Nugroho", "Hartono", "Lestari", "Maharani", "Permana",
    "Sulistyo", "Widodo", "Anggraini", "Prabowo", "Puspitasari", "Firmansyah",
)  # fmt: skip

VILLAGES = (
    "Ngadirenggo", "Karangsoko", "Sukowetan", "Prigi", "Tasikmadu", "Panggul", "Ngrayun", "Dompyong",
    "Sumberbening", "Kampak", "Bendungan", "Pule", "Suruh", "Durenan", "Pogalan", "Gandusari",
)  # fmt: skip


@dataclass(frozen=True)
class IdeaTemplate:
    """A public-service problem and a fix, with placeholders {village} and {agency}."""

    title: str
    problem: str
    solution: str
    beneficiaries: str
    service_area: str
    target_agency: str
    minutes_saved: int
    cost_saved_rp: int
    budget_rp: int
    partner: tuple[str, str]


TEMPLATES = (
    IdeaTemplate(
        "Jemput bola perekaman KTP-el di Desa {village}",
        "Warga Desa {village} harus menempuh perjalanan lebih dari satu jam ke kantor Disdukcapil untuk merekam "
        "KTP elektronik, sering kembali berkali-kali karena blangko habis atau jaringan terputus.",
        "Layanan keliling terjadwal dengan perangkat rekam portabel, antrean didaftarkan lewat WhatsApp desa, "
        "dan hasil cetak diantar melalui kantor desa.",
        "Warga desa terpencil, lansia, penyandang disabilitas, petugas loket Disdukcapil",
        "kependudukan",
        "DISDUKCAPIL",
        120,
        60_000_000,
        25_000_000,
        ("Pemerintah Desa {village}", "agency"),
    ),
    IdeaTemplate(
        "Antrean daring poli RSUD dr. Soedomo",
        "Pasien rawat jalan datang sejak subuh untuk mengambil nomor antrean poli, menunggu hingga lima jam, "
        "dan ruang tunggu penuh sesak.",
        "Pendaftaran antrean lewat aplikasi dan SMS dengan estimasi jam dilayani, terhubung ke SIMRS, "
        "plus notifikasi ketika giliran sudah dekat.",
        "Pasien rawat jalan dan keluarganya, perawat poli",
        "kesehatan",
        "RSUD",
        180,
        120_000_000,
        85_000_000,
        ("Universitas Brawijaya", "university"),
    ),
    IdeaTemplate(
        "Posyandu digital untuk pemantauan stunting di {village}",
        "Data penimbangan balita di posyandu Desa {village} masih dicatat di buku dan direkap manual tiap bulan, "
        "sehingga balita berisiko stunting terlambat ditangani.",
        "Kader mencatat penimbangan di aplikasi sederhana di ponsel; puskesmas menerima peringatan otomatis "
        "untuk balita dengan grafik pertumbuhan menurun.",
        "Balita dan ibu hamil, kader posyandu, petugas gizi puskesmas",
        "kesehatan",
        "DINKES",
        45,
        30_000_000,
        12_000_000,
        ("PKK Kecamatan", "community"),
    ),
    IdeaTemplate(
        "Perizinan UMKM satu hari lewat gerai kecamatan",
        "Pelaku usaha mikro harus datang ke DPMPTSP di kota untuk mengurus NIB dan izin PIRT, padahal banyak "
        "yang tidak paham OSS sehingga bolak-balik hingga tiga kali.",
        "Gerai pendampingan perizinan di setiap kecamatan, dengan petugas yang membantu pengisian OSS dan "
        "verifikasi berkas daring hari itu juga.",
        "Pelaku UMKM, pedagang pasar, petugas DPMPTSP",
        "perizinan",
        "DPMPTSP",
        240,
        75_000_000,
        20_000_000,
        ("Bank Jatim Cabang Trenggalek", "business"),
    ),
    IdeaTemplate(
        "Bank sampah terintegrasi di pasar {village}",
        "Sampah organik pasar menumpuk dan diangkut truk DLH setiap hari dengan biaya solar tinggi, "
        "sementara pedagang tidak punya tempat memilah.",
        "Bank sampah pasar dengan komposter komunal; sampah organik diolah menjadi kompos untuk petani, "
        "pedagang mendapat tabungan dari sampah terpilah.",
        "Pedagang pasar, petani, petugas kebersihan DLH",
        "lingkungan",
        "DLH",
        0,
        90_000_000,
        35_000_000,
        ("Kelompok Tani Sumber Rejeki", "community"),
    ),
    IdeaTemplate(
        "Layanan bansos tanpa antre lewat data terpadu",
        "Penerima bantuan sosial harus antre di kantor Dinsos untuk verifikasi ulang data setiap tahun, "
        "meski datanya sudah ada di DTKS dan Disdukcapil.",
        "Verifikasi otomatis lewat pemadanan data DTKS dan kependudukan; warga hanya datang bila ada data yang "
        "tidak cocok, dengan pemberitahuan lewat pendamping desa.",
        "Keluarga penerima manfaat, pendamping PKH, petugas Dinsos",
        "sosial",
        "DINSOS",
        150,
        55_000_000,
        30_000_000,
        ("Pendamping PKH Kabupaten", "community"),
    ),
    IdeaTemplate(
        "Lapor jalan rusak dengan foto berlokasi",
        "Laporan jalan berlubang dari warga datang lewat banyak saluran tanpa lokasi pasti, sehingga tim "
        "Dinas PUPR harus survei ulang sebelum memperbaiki.",
        "Formulir laporan dengan foto dan titik GPS yang langsung masuk ke peta kerja PUPR, lengkap dengan "
        "status perbaikan yang bisa dipantau pelapor.",
        "Pengguna jalan, perangkat desa, tim pemeliharaan jalan PUPR",
        "infrastruktur",
        "DPUPR",
        60,
        40_000_000,
        18_000_000,
        ("Komunitas Trenggalek Peduli Jalan", "community"),
    ),
    IdeaTemplate(
        "Uji KIR kendaraan terjadwal tanpa calo",
        "Pemilik angkutan barang menunggu seharian untuk uji KIR dan banyak yang memakai calo karena "
        "jadwal tidak pasti.",
        "Pemesanan slot uji KIR daring dengan pembayaran non-tunai dan pengingat masa berlaku lewat SMS.",
        "Pemilik angkutan barang dan penumpang, petugas penguji Dishub",
        "perhubungan",
        "DISHUB",
        200,
        25_000_000,
        15_000_000,
        ("Organda Trenggalek", "business"),
    ),
    IdeaTemplate(
        "Satu data sekolah untuk dana BOS",
        "Operator sekolah mengisi data siswa yang sama ke beberapa aplikasi berbeda untuk pelaporan dana BOS, "
        "menyita waktu mengajar guru.",
        "Satu formulir data sekolah yang dikirim otomatis ke aplikasi pelaporan, dengan pemeriksaan ganda "
        "oleh Dinas Pendidikan.",
        "Guru dan operator sekolah, kepala sekolah, pengawas Dinas Pendidikan",
        "pendidikan",
        "DISDIK",
        300,
        80_000_000,
        40_000_000,
        ("Universitas Negeri Malang", "university"),
    ),
    IdeaTemplate(
        "Kartu tani digital untuk pupuk bersubsidi",
        "Petani di {village} sering kehabisan jatah pupuk bersubsidi karena data RDKK tidak sinkron dengan kios, "
        "dan harus kembali ke penyuluh untuk memperbaiki data.",
        "Pemutakhiran RDKK lewat penyuluh dengan tablet, kios menerima kuota terbaru setiap hari.",
        "Petani, pemilik kios pupuk, penyuluh pertanian",
        "pertanian",
        "DISPERTA",
        90,
        50_000_000,
        22_000_000,
        ("Gapoktan {village}", "community"),
    ),
    IdeaTemplate(
        "Surat keterangan desa ditandatangani elektronik",
        "Warga menunggu kepala desa berada di kantor untuk menandatangani surat keterangan, kadang sampai "
        "berhari-hari, untuk keperluan sekolah atau berobat.",
        "Tanda tangan elektronik tersertifikasi untuk surat desa, dengan kode QR yang bisa diperiksa instansi "
        "penerima.",
        "Warga desa, perangkat desa, instansi penerima surat",
        "administrasi desa",
        "DISKOMINFO",
        1440,
        20_000_000,
        10_000_000,
        ("BSrE BSSN", "agency"),
    ),
    IdeaTemplate(
        "Patroli ketertiban berbasis laporan warga",
        "Laporan gangguan ketertiban di sekitar pasar dan alun-alun tidak tercatat sehingga patroli Satpol PP "
        "tidak menyasar titik rawan.",
        "Pelaporan lewat kanal pengaduan terpadu yang dipetakan per jam dan lokasi, menjadi dasar jadwal patroli.",
        "Warga dan pedagang, anggota Satpol PP",
        "ketertiban",
        "SATPOLPP",
        30,
        15_000_000,
        8_000_000,
        ("Paguyuban Pedagang Alun-Alun", "community"),
    ),
    IdeaTemplate(
        "Cuti dan kenaikan pangkat ASN tanpa berkas kertas",
        "Usulan kenaikan pangkat dan cuti ASN masih diantar dalam map ke BKPSDM, sering tertahan karena berkas "
        "kurang dan harus dikembalikan ke OPD.",
        "Pengusulan daring dengan daftar periksa berkas otomatis dan status yang bisa dipantau pegawai.",
        "ASN Kabupaten Trenggalek, pengelola kepegawaian OPD, BKPSDM",
        "kepegawaian",
        "BKPSDM",
        480,
        35_000_000,
        12_000_000,
        ("BKN Kantor Regional II", "agency"),
    ),
    IdeaTemplate(
        "Layanan administrasi kecamatan satu pintu di {village}",
        "Warga yang mengurus beberapa surat sekaligus di kantor kecamatan harus berpindah meja dan menunggu "
        "pejabat yang berbeda.",
        "Satu loket dengan antrean bernomor, berkas dipindai sekali dan diteruskan antar meja secara elektronik.",
        "Warga kecamatan, petugas pelayanan kecamatan",
        "administrasi kecamatan",
        "KEC-PANGGUL",
        75,
        18_000_000,
        9_000_000,
        ("Pemerintah Desa {village}", "agency"),
    ),
    IdeaTemplate(
        "Perencanaan musrenbang desa secara daring",
        "Usulan musrenbang dari desa dikirim dalam bentuk cetak dan diketik ulang di Bappeda, banyak yang "
        "hilang atau terlambat masuk.",
        "Usulan diinput langsung oleh desa di aplikasi perencanaan dengan foto lokasi dan prioritas, "
        "terlacak sampai penetapan APBD.",
        "Perangkat desa, warga pengusul, perencana Bappeda",
        "perencanaan",
        "BAPPEDA",
        120,
        28_000_000,
        14_000_000,
        ("Forum Desa Trenggalek", "community"),
    ),
)

# Details that make ideas from one template read like different people wrote them.
PROBLEM_DETAILS = (
    "Dalam sebulan tercatat sekitar {n} warga mengalami hal ini.",
    "Keluhan ini paling sering datang dari Desa {village} dan sekitarnya.",
    "Petugas harus lembur rata-rata {h} jam per minggu untuk mengejar pekerjaan yang menumpuk.",
    "Survei kepuasan masyarakat tahun lalu menempatkan layanan ini di urutan terbawah.",
    "Lansia dan penyandang disabilitas paling dirugikan karena harus didampingi keluarga.",
    "Biaya transportasi warga untuk satu kali urusan bisa mencapai Rp{rp} ribu.",
    "Musim hujan memperburuk keadaan karena akses jalan ke pusat layanan sering terputus.",
)
SOLUTION_DETAILS = (
    "Uji coba dimulai di Desa {village} selama tiga bulan sebelum diperluas ke kecamatan lain.",
    "Petugas dilatih dua hari bersama Diskominfo sehingga tidak perlu tenaga tambahan.",
    "Memanfaatkan perangkat dan aplikasi yang sudah dimiliki daerah sehingga anggarannya kecil.",
    "Capaian dipantau lewat dasbor bulanan yang dibagikan kepada camat dan kepala OPD.",
    "Mitra membantu sosialisasi kepada warga melalui pertemuan RT dan grup WhatsApp desa.",
    "Standar operasional prosedur baru disusun bersama Bagian Organisasi agar berkelanjutan.",
)
TITLE_SUFFIXES = ("", "", " untuk warga {village}", " berbasis WhatsApp", " dengan pendampingan mitra", " (uji coba)")
