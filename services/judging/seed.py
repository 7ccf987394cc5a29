"""Demo data of the judging service: the ATA-2026 rubrics and selection rules (idempotent)."""

from __future__ import annotations

from services.judging.db import runtime
from services.judging.results.schemas import SelectionRules
from services.judging.results.service import load_rules
from services.judging.rubric.models import RoundKind
from services.judging.rubric.schemas import CriterionIn, RubricIn, ScoreLevel
from services.judging.rubric.service import criteria_of, ensure_edition, find_round, put_rubric
from shared.db import utcnow
from shared.events import PositionGroup

EDITION = "ATA-2026"


def _levels(*texts: str) -> list[ScoreLevel]:
    return [ScoreLevel(score=i, description=t) for i, t in enumerate(texts, start=1)]


AUDITION_RUBRIC = RubricIn(
    criteria=[
        CriterionIn(
            key="speed_of_service",
            name="Kecepatan layanan (speed of service)",
            description="Seberapa jauh gagasan mempercepat layanan bagi warga dan petugas.",
            weight=20,
            levels=_levels(
                "Tidak ada percepatan yang terukur",
                "Percepatan kecil, pada sebagian kecil kasus",
                "Percepatan jelas pada sebagian besar kasus",
                "Percepatan besar dan terukur (menit per kasus)",
                "Layanan berubah dari hari menjadi menit, terukur dan terbukti",
            ),
        ),
        CriterionIn(
            key="cost_saving",
            name="Hemat biaya (cost saving)",
            description="Penghematan biaya per tahun bagi pemerintah daerah dan warga.",
            weight=20,
            levels=_levels(
                "Menambah biaya tanpa penghematan",
                "Penghematan kecil atau belum dihitung",
                "Penghematan sedang dengan perhitungan wajar",
                "Penghematan besar dengan perhitungan rinci",
                "Penghematan besar, rinci, dan hampir tanpa anggaran baru",
            ),
        ),
        CriterionIn(
            key="practicality",
            name="Praktis dan mudah (tidak ribet)",
            description="Mudah dipakai warga dan petugas, tanpa prosedur berbelit.",
            weight=15,
            levels=_levels(
                "Menambah langkah dan persyaratan",
                "Sedikit lebih sederhana",
                "Cukup sederhana bagi sebagian besar pengguna",
                "Sederhana, sedikit langkah",
                "Sangat sederhana, dapat dipakai siapa saja tanpa pelatihan",
            ),
        ),
        CriterionIn(
            key="innovation",
            name="Inovasi (innovation)",
            description="Kebaruan gagasan dibanding cara kerja yang ada.",
            weight=15,
            levels=_levels(
                "Meniru cara yang sudah ada",
                "Perbaikan kecil pada cara yang ada",
                "Cara baru bagi instansi",
                "Cara baru di tingkat kabupaten",
                "Terobosan yang layak ditiru daerah lain",
            ),
        ),
        CriterionIn(
            key="feasibility",
            name="Kelayakan (feasibility)",
            description="Dapat dilaksanakan dengan sumber daya, aturan, dan waktu yang ada.",
            weight=20,
            levels=_levels(
                "Tidak dapat dilaksanakan",
                "Butuh perubahan aturan atau anggaran besar",
                "Dapat dilaksanakan dengan penyesuaian",
                "Siap dilaksanakan dalam satu tahun",
                "Siap dilaksanakan segera, rencana lengkap",
            ),
        ),
        CriterionIn(
            key="collaboration",
            name="Kolaborasi dengan mitra (collaboration with partners)",
            description="Melibatkan mitra (usaha, kampus, komunitas, instansi lain) sehingga hemat anggaran.",
            weight=10,
            levels=_levels(
                "Tanpa mitra",
                "Mitra disebut tanpa peran jelas",
                "Satu mitra dengan peran jelas",
                "Beberapa mitra dengan komitmen",
                "Kemitraan kuat yang menanggung sebagian besar biaya",
            ),
        ),
        CriterionIn(
            key="presentation",
            name="Penyampaian presentasi (ditampilkan, tidak dihitung)",
            description="Catatan untuk umpan balik peserta; tidak masuk nilai berbobot.",
            weight=0,
            counted=False,
            levels=_levels("Kurang jelas", "Cukup", "Jelas", "Sangat jelas", "Meyakinkan dan runtut"),
        ),
    ]
)

SCREENING_RUBRIC = RubricIn(
    criteria=[
        CriterionIn(
            key="problem_understanding",
            name="Pemahaman masalah",
            description="Masalah dipahami dan dijelaskan dengan data sebelum solusi diusulkan.",
            weight=40,
            levels=_levels("Tidak jelas", "Umum", "Cukup jelas", "Jelas dengan data", "Tajam, berbasis data"),
        ),
        CriterionIn(
            key="solution_fit",
            name="Kesesuaian solusi",
            description="Solusi menjawab masalah yang diuraikan.",
            weight=35,
            levels=_levels("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai", "Tepat sasaran"),
        ),
        CriterionIn(
            key="completeness",
            name="Kelengkapan usulan",
            description="Manfaat, biaya, mitra, dan instansi pelaksana terisi dengan wajar.",
            weight=25,
            levels=_levels("Banyak kosong", "Sebagian", "Cukup", "Lengkap", "Lengkap dan rinci"),
        ),
    ]
)

SELECTION_RULES = SelectionRules(
    score_basis="raw",
    quota_per_group={
        PositionGroup.PENGAWAS: 3,
        PositionGroup.FUNGSIONAL_PENYETARAAN: 2,
        PositionGroup.FUNGSIONAL_AHLI: 4,
        PositionGroup.PELAKSANA: 5,
    },
    threshold=60.0,
    tie_break=["calibrated_score", "criterion:cost_saving", "submitted_at"],
)


def seed() -> None:
    """Create the ATA-2026 rubrics (audition and screening) and selection rules; safe to run again."""
    factory = runtime.session_factory
    for kind, rubric in ((RoundKind.AUDITION, AUDITION_RUBRIC), (RoundKind.SCREENING, SCREENING_RUBRIC)):
        with factory() as session:
            rnd = find_round(session, EDITION, kind)
            if rnd is not None and criteria_of(session, rnd.id):
                continue  # the committee's own rubric is never overwritten by the demo one
            put_rubric(session, edition_code=EDITION, rubric=rubric, actor=None, kind=kind)
    with factory() as session:
        _, declared = load_rules(session, EDITION)
        if not declared:
            edition = ensure_edition(session, EDITION)
            edition.rules = SELECTION_RULES.model_dump(mode="json")
            edition.rules_declared_at = utcnow()
            session.commit()
    print(f"judging: rubric and selection rules of {EDITION} ready")
