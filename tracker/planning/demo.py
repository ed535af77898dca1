"""Planning boards: 行政手続オンライン化WG in planning (notes from seed 000's three viewpoints)."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup

BOARD = {
    "優先手続の抽出": ["申請数の多い手続を洗い出す", "添付書類の有無を確認する", "法律による制約を確認する"],
    "モデルケース": ["オンライン化までの検討経過を可視化する", "利用促進の取り組みを定型化する"],
    None: ["マイナポータル（ぴったりサービス）の活用を検討", "基幹系17業務との関係を整理", "電子申請の利用状況を集計"],
}


def load(ctx) -> None:
    wg = ctx.shared["wgs"].get("online-procedures")
    users = ctx.shared["users"]
    if wg is None or db.session.scalar(select(Note.id).where(Note.wg_id == wg.id).limit(1)):
        return
    for position, (name, texts) in enumerate(BOARD.items()):
        group = None
        if name:
            group = NoteGroup(wg_id=wg.id, name=name, position=position)
            db.session.add(group)
            db.session.flush()
        for text in texts:
            db.session.add(Note(wg_id=wg.id, group_id=group.id if group else None, text=text, author_id=users["yamaguchi"].id))
    db.session.flush()
