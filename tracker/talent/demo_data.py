"""Demo talent bank: a skill taxonomy with the words staff use, profiles for the demo staff, and help
requests from the WGs of seed 000 (官民データ活用WG needs data analysis help; Akita's 庁内人材バンク idea
of seed 003: past sections, achievements, certifications, マルチワーク with a share of the week)."""

# category, name, synonyms
SKILLS = [
    ("デジタル", "データ分析", "データ解析, BI, Excel分析"),
    ("デジタル", "RPA", "WinActor, UiPath, ロボティック・プロセス・オートメーション"),
    ("デジタル", "ノーコード", "ローコード, kintone, Power Apps"),
    ("デジタル", "プログラミング", "Python, VBA, マクロ"),
    ("デジタル", "情報セキュリティ", "セキュリティ"),
    ("デジタル", "GIS", "地理情報システム, 地図"),
    ("統計", "統計", "統計解析, 統計分析"),
    ("統計", "アンケート設計", "調査設計, 住民アンケート"),
    ("企画・調整", "プロジェクト管理", "PM, 進行管理, プロジェクトマネジメント"),
    ("企画・調整", "業務改善（BPR）", "BPR, 業務プロセス改革, 業務フロー"),
    ("企画・調整", "ファシリテーション", "会議運営, ワークショップ"),
    ("広報", "広報", "PR, SNS発信, 広報紙"),
    ("広報", "デザイン", "チラシ作成, ポスター, Canva"),
    ("法務", "法務", "例規, 条例, 法令解釈"),
    ("法務", "契約事務", "入札, 契約"),
    ("財務", "予算編成", "予算, 財政"),
    ("財務", "補助金申請", "交付金, 補助金"),
    ("語学", "英語", "通訳, 翻訳"),
]

CERTIFICATIONS = ["ITパスポート", "基本情報技術者", "応用情報技術者", "情報セキュリティマネジメント", "統計検定2級", "統計検定3級",
                  "G検定", "日商簿記2級", "行政書士", "TOEIC 800点", "ウェブ解析士", "RPA技術者検定"]

# Profiles written by hand for the people the demo requests need; everyone else gets a generated one.
# login: (skills {name: (level, can_help, want_to_learn)}, certifications, willing, share %, achievements,
#         visibility overrides)
PROFILES = {
    "tanaka": ({"データ分析": (5, True, False), "統計": (4, True, False), "プログラミング": (4, True, False), "GIS": (2, False, True)},
               ["基本情報技術者", "統計検定2級"], True, 10,
               "国民健康保険のレセプトデータを分析し、特定健診の受診勧奨の対象を絞り込んだ（受診率 +3.2ポイント）。", {}),
    "hayashi": ({"データ分析": (3, True, False), "ノーコード": (4, True, False), "英語": (3, False, False)},
                ["ITパスポート"], True, 10, "商店街の人流データを kintone で集計し、イベントの効果を可視化した。", {}),
    "kimura": ({"統計": (4, True, False), "アンケート設計": (4, True, False), "データ分析": (3, False, True)},
               ["統計検定2級"], True, 5, "市民健康意識調査の設計と集計。", {"availability": "hr"}),
    "abe": ({"RPA": (4, True, False), "業務改善（BPR）": (3, True, False)}, ["RPA技術者検定", "ITパスポート"], True, 10,
            "道路占用許可の入力作業を RPA 化し、年間約400時間を削減。", {}),
    "ikeda": ({"RPA": (3, True, False), "ノーコード": (2, False, True)}, ["ITパスポート"], True, 5, "", {}),
    "hashimoto": ({"広報": (4, True, False), "デザイン": (4, True, False), "英語": (4, True, False)}, ["TOEIC 800点"], True, 10,
                  "文化施設の SNS 運用（フォロワー 2倍）。", {}),
    "ishikawa": ({"広報": (3, True, False), "ファシリテーション": (3, True, False)}, [], False, 0, "", {}),
    "yamazaki": ({"GIS": (4, True, False), "データ分析": (3, True, False)}, ["ITパスポート"], True, 10, "都市計画基礎調査の GIS 化。", {}),
    "watanabe": ({"予算編成": (5, False, False), "プロジェクト管理": (3, False, False)}, ["日商簿記2級"], False, 0, "", {"career": "hr"}),
    "ito": ({"契約事務": (4, True, False), "法務": (3, True, False)}, ["行政書士"], True, 5, "", {"certifications": "only_me"}),
    "saito": ({"プロジェクト管理": (3, True, False), "ノーコード": (3, True, False), "データ分析": (2, False, True)},
              ["ITパスポート", "G検定"], True, 20, "", {}),
}

# Help requests: title, requester login, WG identifier or None, share %, start, end, description,
# needs [(skill, min level, importance 3 必須 / 2 重要 / 1 あれば尚可)], engagements [(login, invited, status, hours, outcome)]
REQUESTS = [
    ("官民データ活用WG：オープンデータ整備とデータ分析の応援", "yachida", "public-private-data", 10, "2026-12-01", "2027-03-31",
     "官民データの共有・活用の仕組みづくりに向けて、庁内データの棚卸しとオープンデータ化の優先順位付けを行います。"
     "集計・可視化ができる方、統計の素養がある方の応援を求めます（週の10%程度、DX推進員のWG活動と同じ扱い）。",
     [("データ分析", 3, 3), ("統計", 3, 2), ("GIS", 2, 1)],
     [("tanaka", True, "pending", None, ""), ("hayashi", False, "pending", None, "")]),
    ("RPA（BPR）WG：RPAシナリオ作成の応援", "watanabe", "rpa-bpr", 10, "2027-01-01", "2027-06-30",
     "各課から提出された定型業務（297件の課題提起のうち RPA 向きのもの）のシナリオ化を手伝ってください。",
     [("RPA", 3, 3), ("業務改善（BPR）", 2, 2)], []),
    ("マイナンバーカード出張申請会の広報支援", "izumi", None, 5, "2026-12-15", "2027-02-28",
     "出張申請会のチラシと SNS 告知を作成します。デザインの得意な方を募集します。",
     [("広報", 3, 3), ("デザイン", 2, 1)], []),
    ("窓口満足度アンケートの設計と集計", "izumi", "counter", 5, "2026-06-01", "2026-09-30",
     "窓口WGの現状把握のため、来庁者アンケートを設計・集計しました。",
     [("アンケート設計", 3, 3), ("統計", 2, 2)],
     [("kimura", True, "completed", 16, "設問設計と500件の集計を担当。待ち時間の不満が最多と判明し、窓口WGの課題に反映。")]),
]
