"""定例会 of the マイナンバーカード普及・活用WG (content from seed 000)."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.meetings.models import ActionItem, Meeting


def load(ctx) -> None:
    wg = ctx.shared["wgs"].get("mynumber-card")
    users = ctx.shared["users"]
    if wg is None or db.session.scalar(select(Meeting.id).where(Meeting.wg_id == wg.id).limit(1)):
        return
    today = local_today()
    first = Meeting(
        wg_id=wg.id, title="第1回定例会", held_on=today - timedelta(days=28), starts_at=time(10), ends_at=time(11),
        location="本庁舎 会議室", agenda="- 全体像の整理：KPI達成に向けてやらなければならないことの洗い出し",
        minutes="交付・利活用の課題を洗い出した。\n\n- 1日に交付できる枚数には限界がある（200枚程度）\n"
                "- 受け取りに来ず溜まっているカードが約1万枚ある",
        decisions="出張申請（申請時来庁方式）を拡充する",
        attendees=[users[u] for u in ("honma", "yachida", "izumi", "mogi", "suzuki")])
    second = Meeting(
        wg_id=wg.id, title="第2回定例会", held_on=today - timedelta(days=7), starts_at=time(10), ends_at=time(11),
        location="本庁舎 会議室", agenda="- 出張申請の実施状況\n- 周知・PR強化",
        minutes="全市民サービスセンター及び城南支所において出張申請を実施した。",
        decisions="ターゲットを設定したPRを検討する",
        attendees=[users[u] for u in ("izumi", "mogi", "suzuki", "takahashi", "tanaka")])
    db.session.add_all([first, second])
    db.session.flush()
    second.action_items.append(ActionItem(title="年代別の未取得者数を分析する", assignee_id=users["tanaka"].id,
                                          due_date=today + timedelta(days=14)))
    db.session.add(Meeting(wg_id=wg.id, title="第3回定例会", held_on=today + timedelta(days=7), starts_at=time(10),
                           ends_at=time(11), location="本庁舎 会議室", agenda="- 夜間・休日交付の試行"))
    db.session.flush()
