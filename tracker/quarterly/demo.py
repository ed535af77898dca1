"""Gunma-style quarterly targets and actuals (seed 001: チャレンジ事業（環境）) and Maebashi's current year."""
from __future__ import annotations

from sqlalchemy import select

from tracker.charter.services import charter_for
from tracker.core.fiscal import FiscalQuarter
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.quarterly.models import QuarterlyEntry
from tracker.wg.models import WorkingGroup

GUNMA_WG = ("gunma-challenge-env", "チャレンジ事業（環境）",
            "ぐんまDX加速化プログラムのチャレンジ事業（環境分野）。高速PDCAで実施し、四半期毎にDX推進本部へ報告する。\n\n"
            "取組所属：廃棄物・リサイクル課、（企）発電課")

# initiative, fiscal year, quarter, target, actual, status
GUNMA = [
    ("未利用食品マッチングシステムの構築・ブラッシュアップ", 2021, 1,
     "①システム仕様検討・システムのユーザー（食品関連事業者、フードバンク等）から意見を聴取し、必要な機能や要求をまとめて整理",
     "①システム仕様検討", "done"),
    ("未利用食品マッチングシステムの構築・ブラッシュアップ", 2021, 4, "②システム開発", "②システム開発", "done"),
    ("未利用食品マッチングシステムの構築・ブラッシュアップ", 2022, 1,
     "③システムの試験運用・ユーザーを食品関連事業者とフードバンクに限定し、試験運用。システムの課題を抽出",
     "第1フェーズ ユーザーを食品関連事業者とフードバンクに限定", "done"),
    ("未利用食品マッチングシステムの構築・ブラッシュアップ", 2022, 4,
     "④システムの本格運用 ※ユーザーからの意見を取り入れ、①→②→③の手順を繰り返しアップグレード",
     "第2フェーズ ユーザーを子ども食堂等にも拡大 取り扱う食品の拡充（冷蔵・冷凍）も", "on_track"),
    ("群馬県産業廃棄物情報HP検索機能拡充", 2021, 2, "HP改修内容検討・調整", "改修内容検討", "on_track"),
    ("群馬県産業廃棄物情報HP検索機能拡充", 2021, 3, "", "仕様検討・契約準備", "on_track"),
    ("群馬県産業廃棄物情報HP検索機能拡充", 2022, 1, "HP改修作業", "事業者決定", "delayed"),
    ("群馬県産業廃棄物情報HP検索機能拡充", 2022, 2, "", "作成作業中", "delayed"),
    ("群馬県産業廃棄物情報HP検索機能拡充", 2022, 4, "稼働検証", "稼働検証", "done"),
    ("廃プラスチック類リサイクル情報収集", 2021, 2, "収集データ検討・情報収集", "収集データ検討", "on_track"),
    ("廃プラスチック類リサイクル情報収集", 2021, 3, "", "データ収集", "done"),
    ("水中ドローン活用による発電所設備等の点検", 2021, 1, "試行準備", "試行準備", "done"),
    ("水中ドローン活用による発電所設備等の点検", 2021, 2, "", "試行・効果検証", "done"),
    ("水中ドローン活用による発電所設備等の点検", 2021, 4, "試行・効果検証", "", "planned"),
    ("水中ドローン活用による発電所設備等の点検", 2022, 4, "本格運用", "", "planned"),
]


def _put(wg, initiative, year, quarter, target, actual, status) -> None:
    exists = db.session.scalar(select(QuarterlyEntry.id).where(
        QuarterlyEntry.wg_id == wg.id, QuarterlyEntry.initiative == initiative,
        QuarterlyEntry.fiscal_year == year, QuarterlyEntry.quarter == quarter))
    if exists is None:
        db.session.add(QuarterlyEntry(wg_id=wg.id, initiative=initiative, fiscal_year=year, quarter=quarter,
                                      target=target, actual=actual, status=status))


def load(ctx) -> None:
    from tracker.wg.services import add_member
    from tracker.wg.models import Role

    users, wgs = ctx.shared["users"], ctx.shared["wgs"]
    identifier, name, description = GUNMA_WG
    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == identifier))
    if wg is None:
        wg = WorkingGroup(identifier=identifier, name=name, description=description, is_public=True)
        db.session.add(wg)
        db.session.flush()
        leader = db.session.scalar(select(Role).where(Role.name == "WG責任者"))
        if leader is not None:
            add_member(None, wg, users["ikeda"], [leader])
        charter_for(wg).phase = "execution"
    wgs[identifier] = wg
    for row in GUNMA:
        _put(wg, *row)

    # Maebashi's WGs in execution this fiscal year: 1Q reported, the quarter just ended partly missing.
    this = FiscalQuarter.of(local_today())
    year = this.year
    mynumber, divide = wgs.get("mynumber-card"), wgs.get("digital-divide")
    if mynumber is not None:
        _put(mynumber, "出張申請の拡充", year, 1, "全市民サービスセンター及び城南支所で出張申請を実施",
             "全市民サービスセンター及び城南支所で実施", "done")
        _put(mynumber, "出張申請の拡充", year, 2, "企業・団体への出張申請", "企業3社で実施" if this.quarter > 2 else "", "on_track")
        _put(mynumber, "窓口の改善", year, 3, "夜間・休日交付の試行", "", "planned")
    if divide is not None:
        _put(divide, "スマホ教室", year, 1, "公民館でのスマホ教室の開催（総務省補助事業）", "公民館5か所で開催", "done")
        _put(divide, "スマホ教室", year, 2, "相談窓口の常設", "", "planned")
    db.session.flush()
