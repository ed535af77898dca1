"""The six KPIs of Maebashi's DX plan (seed 000's table), with their targets and current values."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.kpi.models import Kpi, KpiMeasurement, WgKpi

# number, plan priority, KPI, unit, target, target label, target FY, baseline, baseline date,
# current (value, as of, note) or None, WGs
KPIS = [
    (1, "1 行政手続のオンライン化", "全ての行政手続をオンライン化する", "%", 100, "100%", 2025, 0, date(2020, 4, 1),
     (1.8, date(2020, 7, 1), "36／1,978件"), ["online-procedures"]),
    (2, "2 マイナンバーカードの普及・活用 8 デジタルインフラの整備", "市民の90%がマイナンバーカードを保有する", "%", 90, "90%",
     2022, 30, date(2021, 4, 1), (37.8, date(2021, 8, 1), ""), ["mynumber-card"]),
    (3, "3 情報システムの全体最適化 5 市役所のDX推進", "市役所のフルデジタル化を実現する", "%", 100, "フルデジタル化実現",
     2025, 0, date(2021, 4, 1), (20, date(2021, 9, 1), "R4年度予算要求"), ["finance-docs", "maebashi-standard", "health-welfare-systems"]),
    (4, "4 官民データ活用の推進", "官民データの共有や活用の仕組みを構築する", "%", 100, "仕組みの構築", 2025, 0, date(2021, 4, 1),
     None, ["public-private-data"]),
    (5, "6 地域社会のDX推進", "DX人材育成の好循環を促す仕組みを構築する", "%", 100, "仕組みの構築", 2025, 0, date(2021, 4, 1),
     None, ["community-dx"]),
    (6, "7 デジタルディバイドの解消", "希望する市民が身近な場所で相談や学習を行える環境を構築する", "%", 100, "環境の構築", 2025, 0,
     date(2021, 4, 1), (30, date(2021, 9, 1), "総務省補助事業の実施"), ["digital-divide"]),
]


def load(ctx) -> None:
    wgs = ctx.shared["wgs"]
    kpis = {}
    for number, priority, name, unit, target, label, fy, baseline, base_day, current, wg_ids in KPIS:
        kpi = db.session.scalar(select(Kpi).where(Kpi.name == name))
        if kpi is None:
            kpi = Kpi(number=number, plan_priority=priority, name=name, unit=unit, target_value=target, target_label=label,
                      target_fiscal_year=fy, baseline_value=baseline, baseline_date=base_day)
            db.session.add(kpi)
            db.session.flush()
            if current:
                value, as_of, note = current
                db.session.add(KpiMeasurement(kpi_id=kpi.id, value=value, as_of=as_of, note=note,
                                              source="前橋市DX推進計画の進捗状況"))
            for identifier in wg_ids:
                if identifier in wgs:
                    db.session.add(WgKpi(wg_id=wgs[identifier].id, kpi_id=kpi.id))
        kpis[number] = kpi
    ctx.shared["kpis"] = kpis
