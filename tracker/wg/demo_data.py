"""Maebashi's 13 WGs (seed 000: 3 running, 10 proposed) and who sits in them."""

# identifier, name, description, public, {login: role}
WGS = [
    ("mynumber-card", "マイナンバーカード普及・活用WG",
     "①カードの普及促進と②カードの利活用を両輪で推進することで、市民の利便性を向上させる。\n\n"
     "関係課：市民課、未来政策課、交通政策課、国民健康保険課、情報政策課",
     True, {"honma": "WG責任者", "yachida": "WG責任者", "izumi": "WG責任者", "mogi": "WG責任者",
            "suzuki": "メンバー", "takahashi": "メンバー", "tanaka": "メンバー"}),
    ("finance-docs", "財務・文書システムWG",
     "財務会計システムと文書管理システムを一括でノンカスタマイズ導入するため、機能要件を整理し、現行業務フローを見直す。\n\n"
     "関係課：財政課、契約監理課、会計室、資産経営課、行政管理課、情報政策課",
     True, {"watanabe": "WG責任者", "kobayashi": "WG責任者", "ito": "メンバー", "yamamoto": "メンバー",
            "nakamura": "メンバー", "kato": "メンバー"}),
    ("digital-divide", "デジタルディバイド解消WG",
     "希望する市民が身近な場所で相談や学習を行える環境を構築する（総務省補助事業）。\n\n"
     "関係課：未来政策課、生活課、生涯学習課、長寿包括ケア課、情報政策課",
     True, {"mogi": "WG責任者", "yoshida": "メンバー", "yamada": "メンバー", "sasaki": "メンバー", "tanaka": "メンバー"}),
    ("online-procedures", "行政手続オンライン化WG",
     "令和7年度末までに、全ての行政手続をオンライン化するとともに、その利用促進を図る。現状（令和2年7月）のオンライン化率は約1.8%（36／1,978件）。",
     True, {"kato": "WG責任者", "yamaguchi": "メンバー", "matsumoto": "メンバー", "inoue": "メンバー",
            "kimura": "メンバー", "ishii": "メンバー"}),
    ("public-private-data", "官民データ活用WG", "官民データの共有や活用の仕組みを構築する。", True,
     {"yachida": "WG責任者", "tanaka": "メンバー", "hayashi": "メンバー", "yamazaki": "メンバー"}),
    ("community-dx", "地域社会のDX推進WG", "DX人材育成の好循環を促す仕組みを構築し、地域社会のDXを推進する。", True,
     {"mogi": "WG責任者", "shimizu": "メンバー", "hayashi": "メンバー"}),
    ("maebashi-standard", "前橋スタンダード策定WG", "働き方・働く意義の観点から、市役所のDXの標準（前橋スタンダード）を策定する。", True,
     {"kobayashi": "WG責任者", "fujita": "メンバー", "saito": "メンバー"}),
    ("abw", "ABW（新議会棟）WG", "新議会棟での ABW（Activity Based Working）の導入を検討する。", False,
     {"nakamura": "WG責任者", "mori": "メンバー"}),
    ("counter", "窓口WG", "住民との接点（リアル・バーチャル）としての窓口を見直す。", True,
     {"izumi": "WG責任者", "yoshida": "メンバー", "takahashi": "メンバー"}),
    ("core-nw", "コアNW（外で働く）WG", "庁外でも働けるコアネットワークを整備する。", True,
     {"kato": "WG責任者", "goto": "メンバー"}),
    ("health-welfare-systems", "業務システム（健康・福祉）WG", "健康・福祉分野の業務システムの全体最適化を図る。", True,
     {"inoue": "WG責任者", "kimura": "メンバー", "sasaki": "メンバー", "kondo": "メンバー"}),
    ("reservation-system", "業務システム（予約システム）WG", "施設予約などの予約システムを共通化する。", True,
     {"ishikawa": "WG責任者", "yamada": "メンバー", "hashimoto": "メンバー"}),
    ("rpa-bpr", "RPA（BPR）WG", "RPA の活用と業務プロセス改革（BPR）を進める。", True,
     {"watanabe": "WG責任者", "abe": "メンバー", "ikeda": "メンバー", "murakami": "メンバー"}),
]
