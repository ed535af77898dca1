"""Lifecycle phases of the 13 Maebashi WGs, the マイナンバーカード普及・活用WG and 行政手続オンライン化WG charters
from seed 000, and their gate decisions, each in the charter's history (履歴) as the DX office's."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.charter.models import BudgetLine, CharterPerson, GateDecision, Milestone, SuccessCriterion
from tracker.charter.services import charter_for
from tracker.core import history
from tracker.extensions import db

PHASES = {
    "mynumber-card": "execution", "finance-docs": "execution", "digital-divide": "execution",
    "online-procedures": "planning", "maebashi-standard": "planning", "public-private-data": "launch",
    "community-dx": "launch", "abw": "launch", "counter": "launch", "core-nw": "stopped",
    "health-welfare-systems": "launch", "reservation-system": "launch", "rpa-bpr": "closed",
}
PATH = {"planning": ["launch"], "execution": ["launch", "planning"], "closed": ["launch", "planning", "execution"],
        "stopped": ["launch"]}
NEXT = {"launch": "planning", "planning": "execution", "execution": "closed"}


def _mynumber(charter, users, kpis, sections) -> None:
    charter.stakeholder_sections = [sections[n] for n in ("市民課", "未来政策課", "交通政策課", "情報政策課", "国民健康保険課")
                                    if n in sections]
    charter.purpose = "①カードの普及促進と②カードの利活用を両輪で推進することで、市民の利便性を向上させる。"
    charter.stakeholders = "国民健康保険課は必要に応じて参加"
    charter.nature = "- 未知（正解がない）の取り組みであること\n- その一方で、これまでの取り組み実績があること"
    charter.schedule = "- R4~マイタケ利用のマイナンバーカード一本化（R3~登録時必須）\n- R4年度末：現交付円滑化計画の期限到来 等"
    charter.background = ("KPI達成に向けてやらなければならないことの洗い出し：\n\n"
                          "- 交付：1日に交付できる枚数には限界がある（200枚程度）。受け取りに来ず溜まっているカードが約1万枚ある\n"
                          "- 出張申請：出張申請にかかる人員やノウハウが不足している\n"
                          "- 利活用：提供するサービスの情報や価値がきちんと伝わっていない")
    charter.content = "窓口の改善、出張申請の拡充、バックオフィス業務の改善、周知・PR強化、利活用策の検討"
    charter.origin, charter.origin_note = "top_down", "前橋市DX推進計画 重点事業2・8"
    charter.people = [
        CharterPerson(user_id=users["honma"].id, kind="responsible", area="①普及促進"),
        CharterPerson(user_id=users["yachida"].id, kind="responsible", area="②利活用"),
        CharterPerson(user_id=users["izumi"].id, kind="leader", area="①普及促進"),
        CharterPerson(user_id=users["mogi"].id, kind="leader", area="②利活用"),
    ]
    charter.criteria = [SuccessCriterion(
        description="KPI（交付円滑化計画に定める目標値）の達成",
        target="2022(令和4年度)末までに市民の90%がマイナンバーカード保有", kpi_id=kpis[2].id if 2 in kpis else None)]
    charter.milestones = [Milestone(title="マイタケ利用のマイナンバーカード一本化", due_date=date(2022, 4, 1)),
                          Milestone(title="現交付円滑化計画の期限到来", due_date=date(2023, 3, 31))]
    charter.budget_lines = [BudgetLine(source="個人番号カード交付事務費補助金", amount=0, note="市民課（金額は予算書による）"),
                            BudgetLine(source="マイナポイント事業費補助金", amount=0, note="未来政策課（金額は予算書による）")]


def _online(charter, users, kpis) -> None:
    charter.background = ("- 市役所は、日々の暮らしを支える様々な住民サービスを提供する役割を担っており、行政手続のオンライン化は、"
                          "住民の利便性向上の観点から優先して行う必要がある。\n"
                          "- しかしながら、現状（令和2年7月）では、オンライン化率は約1.8%（36／1,978件）に留まっている。")
    charter.purpose = "前橋市DX推進計画に基づき、令和7年度末までに、全ての行政手続をオンライン化するとともに、その利用促進を図る。"
    charter.content = "①申請数、②添付書類、③法律による制約の3つの観点から、優先的に取り組むべき手続を抽出したうえで、順次オンライン化に取り組む。"
    charter.stakeholders = ("市民税課、市民課、文化国際課、子育て支援課、子育て施設課、長寿包括ケア課、介護保険課、保険総務課、保健予防課、"
                            "衛生検査課、国民健康保険課、廃棄物対策課、スポーツ課、産業政策課、にぎわい商業課、都市計画課、建築指導課、"
                            "区画整理課、道路管理課、経営企画課、予防課、文化財保護課、学校教育課")
    charter.nature = "全庁の手続が対象であり、所管課ごとに法令・添付書類の制約が異なる。"
    charter.schedule = ("- R3年度：優先手続きのオンライン化、モデルケースの作成\n- R4年度：左記取り組みの継続\n"
                        "- R5年度：モデルケースの横展開（全手続きのオンライン化に着手）")
    charter.origin, charter.origin_note = "top_down", "前橋市DX推進計画 重点事業1"
    charter.people = [CharterPerson(user_id=users["kato"].id, kind="responsible"),
                      CharterPerson(user_id=users["yamaguchi"].id, kind="leader")]
    charter.criteria = [SuccessCriterion(description="2025年度（令和7年度）末までに、全ての行政手続をオンライン化する",
                                         target="100%", kpi_id=kpis[1].id if 1 in kpis else None)]
    charter.milestones = [Milestone(title="モデルケースの作成", due_date=date(2022, 3, 31)),
                          Milestone(title="全手続きのオンライン化に着手", due_date=date(2023, 4, 1))]
    charter.budget_lines = [BudgetLine(source="DX枠予算（チャレンジ&アジャイル枠）", amount=0, note="デジタル技術の導入にかかる予算")]


def load(ctx) -> None:
    users, wgs, kpis = ctx.shared["users"], ctx.shared["wgs"], ctx.shared.get("kpis", {})
    decider = users.get("dx") or users["admin"]
    for identifier, phase in PHASES.items():
        wg = wgs.get(identifier)
        if wg is None:
            continue
        charter = charter_for(wg)
        if db.session.scalar(select(GateDecision.id).where(GateDecision.wg_id == wg.id).limit(1)):
            continue  # loaded before
        with history.recording(decider, charter):
            if identifier == "mynumber-card":
                _mynumber(charter, users, kpis, ctx.shared.get("sections", {}))
            elif identifier == "online-procedures":
                _online(charter, users, kpis)
            elif identifier == "rpa-bpr":
                charter.purpose = wg.description
                charter.keep, charter.problem = "RPAで定型業務の時間を削減できた", "対象業務の洗い出しに時間がかかった"
                charter.try_next = "業務プロセス改革（BPR）を先に行ってから自動化する"
                charter.handover_note = "各所管課が運用を継続（保守費は情報政策課で予算化）"
            elif not charter.purpose:
                charter.purpose = wg.description
        for step in PATH.get(phase, []):
            target = NEXT[step] if not (phase == "stopped") else "stopped"
            gate = GateDecision(
                wg_id=wg.id, from_phase=step, to_phase=target, decision="stop" if target == "stopped" else "go",
                conditions="定例会で進捗を報告すること" if target == "execution" else "",
                comment="仮説検証で成果が見込めないため止める（成果が出せなければ止める）" if target == "stopped" else "CIO判断",
                decided_by_id=decider.id)
            db.session.add(gate)
            history.record(decider, charter, [["gate", None, gate.decision], ["phase", step, target]], notes=gate.comment)
        charter.phase = phase
        if phase == "stopped":
            charter.stop_reason = "仮説検証で成果が見込めないため止める（成果が出せなければ止める）"
    db.session.flush()
