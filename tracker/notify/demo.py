"""Demo notifications: a few events in the マイナンバーカード普及・活用WG, emitted as the features would, so
the bell, the list and the outbox have something to show. Safe to run again."""
from __future__ import annotations

from sqlalchemy import select

from tracker.core import events
from tracker.extensions import db
from tracker.notify.models import Notification, NotificationPreference

DEMO_EVENTS = [
    # kind, actor, recipients, title, body
    ("wg.gate_decided", "dx", ["honma", "yachida", "izumi", "mogi", "suzuki", "takahashi", "tanaka"],
     "仮説検証（机上）の結果、モデル実施へ進むことが決まりました（CIO判断）",
     "CIO（副市長）による判断: 実施。条件: 出張申請受付の効果を四半期ごとに報告すること。"),
    ("quarterly.actual_missing", None, ["honma", "izumi"],
     "令和8年度 第2四半期（7〜9月）の実績が未入力です",
     "四半期の実績を入力してください（DX推進本部への報告に使います）。"),
    ("ticket.assigned", "honma", ["izumi"],
     "チケット「出張申請受付の会場と日程の調整」の担当になりました",
     "市民課窓口での申請に加え、公民館・商業施設での出張申請受付を計画します。"),
]


def load(ctx) -> None:
    users = ctx.shared["users"]
    wg = ctx.shared["wgs"]["mynumber-card"]
    # 田中さんは「参加しているWGのすべて」を1日1回のダイジェストで受け取る設定。
    if db.session.get(NotificationPreference, users["tanaka"].id) is None:
        db.session.add(NotificationPreference(user_id=users["tanaka"].id, level="all", email="digest", overrides={}))
        db.session.flush()
    for kind, actor, recipients, title, body in DEMO_EVENTS:
        if db.session.scalar(select(Notification.id).where(Notification.title == title).limit(1)):
            continue  # loaded before
        events.emit(events.Event(
            kind=kind, title=title, body=body, url=f"/projects/{wg.identifier}",
            actor=users[actor] if actor else None, recipients=[users[login] for login in recipients], wg=wg, subject=wg,
        ))
