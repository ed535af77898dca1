"""Risks of the マイナンバーカード普及・活用WG in Horokanai's categories (seed 002)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.risks.models import Risk

RISKS = [
    ("交付窓口のシステム障害", "technical", 2, 4, "mitigate", "新しい技術の導入に伴う不具合やシステム障害。予備端末と手書き受付の手順を用意する。", -20, "izumi"),
    ("職員の抵抗感やスキル不足による出張申請の遅れ", "organisational", 4, 3, "mitigate", "出張申請の手順書と研修を用意する。", 30, "izumi"),
    ("出張申請時の個人情報の漏洩", "security", 2, 5, "avoid", "申請書類の持ち出し手順を定め、端末を暗号化する。", 45, "mogi"),
    ("交付事務費の予算超過", "financial", 3, 2, "accept", "補助金の範囲で執行し、超過分は次年度に要求する。", 60, "honma"),
    ("制度改正による交付手続の変更", "legal", 2, 3, "transfer", "J-LISと国の通知を定期的に確認する。", 90, "honma"),
]


def load(ctx) -> None:
    wg = ctx.shared["wgs"].get("mynumber-card")
    users = ctx.shared["users"]
    if wg is None or db.session.scalar(select(Risk.id).where(Risk.wg_id == wg.id).limit(1)):
        return
    today = local_today()
    for title, category, p, i, response, plan, days, owner in RISKS:
        db.session.add(Risk(wg_id=wg.id, title=title, category=category, probability=p, impact=i, response=response,
                            response_plan=plan, next_review=today + timedelta(days=days), owner_id=users[owner].id))
    db.session.flush()
