"""Start the Traditional Chinese (Hong Kong) translation of new strings: OpenCC's phrase-aware s2hk, then the
trade's own terms (TERMS, from the review of the first catalogue). Each entry filled here is marked fuzzy:
the test suite fails until a translator has read it and removed the flag.

    python translations/hant.py translations/zh_Hant/LC_MESSAGES/messages.po   (run by `make messages`)
"""
from __future__ import annotations

import sys

import opencc
from babel.messages.pofile import read_po, write_po

# OpenCC's s2hk output → what a Hong Kong property-management desk writes, applied in this order (longer phrases
# before the shorter ones they contain; the single-character glyph choices of the company's seed 004 last).
# Only replacements right wherever they occur are here. Decided by sense, string by string, and not here:
# 信息 (訊息 for a customer's report, 資料 for personal data), 文件 (檔案 only for a computer file), 房屋 (單位), a bare
# 樓棟 (座 or 大廈), 單位 meaning an organisation (機構/公司), 設備 (裝置 only for a log-in device), a bare 退出, 導入
# (匯入, not in 引導入座), and the Simplified column titles and values the importer expects, which stay Simplified.
TERMS: dict[str, str] = {
    # sign in / account
    "退出登錄": "登出",
    "自動退出": "自動登出",
    "登錄": "登入",
    "用户名": "用戶名稱",
    "賬號": "帳戶",
    "賬": "帳",
    # 信息, by the few phrases that are unambiguous
    "個人信息": "個人資料",
    "敏感信息": "敏感資料",
    "住户信息": "住戶資料",
    "客户信息": "客戶訊息",
    "重要信息": "重要訊息",
    "投訴類信息": "投訴類訊息",
    # software words
    "短信": "短訊",
    "默認": "預設",
    "設置": "設定",
    "保存": "儲存",
    "示例文件": "範例檔案",
    "示例": "範例",
    "CSV 文件": "CSV 檔案",
    "Excel 文件": "Excel 檔案",
    ".csv 文件": ".csv 檔案",
    "選擇文件": "選擇檔案",
    "導入文件": "匯入檔案",
    "只支持": "只支援",
    "批量導入": "批量匯入",
    "已導入": "已匯入",
    "確認導入": "確認匯入",
    "正在導入": "正在匯入",
    "導入完成": "匯入完成",
    "導入進度": "匯入進度",
    "導入中斷": "匯入中斷",
    "導出": "匯出",
    "模塊": "模組",
    "服務器": "伺服器",
    "鏈接": "連結",
    "表單": "表格",
    "加載": "載入",
    "菜單": "選單",
    "字段": "欄位",
    "錄入": "輸入",
    "刷新": "重新載入",
    "程序內置": "系統內置",
    "登入設備": "登入裝置",
    "所有設備": "所有裝置",
    "這台設備": "這部裝置",
    "聯繫電話": "聯絡電話",
    "聯繫人": "聯絡人",
    "聯繫": "聯絡",
    "視頻會議": "視像會議",
    "儘快": "盡快",
    "泄露": "洩露",
    "銷燬": "銷毀",
    "證件尾號": "證件號碼尾數",
    "尾號": "尾數",
    # the trade, Hong Kong usage
    "快遞": "速遞",
    "失物招領": "失物認領",
    "鑰匙": "鎖匙",
    "施工單位": "承辦商",
    "工單": "工作單",
    "押金": "按金",
    "保險櫃": "保險箱",
    "保潔": "清潔",
    "香巾": "熱毛巾",
    "傢俱": "傢俬",
    "違章": "違規",
    "物業服務中心": "管理處",
    "我中心": "本中心",
    "門崗": "保安崗",
    "電梯廳": "升降機大堂",
    "客梯": "客用升降機",
    "電梯": "升降機",
    "道閘": "車閘",
    "監控畫面": "閉路電視畫面",
    "維保": "維修保養",
    "屋面": "天台",
    "樓道": "走廊",
    "吊頂": "假天花",
    "綠植": "植物",
    "地下車庫": "地下停車場",
    "派出所": "警署",
    "民警": "警員",
    "投影儀": "投影機",
    "話筒": "麥克風",
    "充電寶": "流動充電器",
    "掃碼槍": "掃描槍",
    "中介看房": "地產代理看樓",
    "業委會": "業主委員會",
    "法定節假日": "法定假期",
    "節假日": "假期",
    "常規尺寸": "一般尺寸",
    "環比": "按期變動",
    "同比": "按年變動",
    # buildings, flats, organisations
    "業户單位": "業戶機構",
    "申請單位": "申請機構",
    "來訪單位": "來訪機構",
    "單位名稱": "機構名稱",
    "單位/部門": "公司/部門",
    "樓棟-房號": "座號-單位編號",
    "樓棟代號": "座號",
    "樓棟名稱": "大廈名稱",
    "全部樓棟": "全部大廈",
    "到訪房號": "到訪單位",
    "房號": "單位編號",
    # characters OpenCC picks wrongly here
    "框內籤": "框內簽",
    "籤錯": "簽錯",
    "重籤": "重簽",
    "不籤": "不簽",
    "周視圖": "週視圖",
    # Hong Kong quotation marks
    "“": "「",
    "”": "」",
    # glyphs: OpenCC's HK variants -> the forms the company's seed (004) uses
    "户": "戶",
    "説": "說",
    "閲": "閱",
    "衞": "衛",
    "啓": "啟",
    "鈎": "鉤",
}


def to_hant(text: str, converter=opencc.OpenCC("s2hk")) -> str:
    converted = converter.convert(text)
    for wrong, right in TERMS.items():
        converted = converted.replace(wrong, right)
    return converted


def prefill(path: str) -> int:
    with open(path, "rb") as po:
        catalogue = read_po(po, locale="zh_Hant")
    filled = 0
    for message in catalogue:
        if message.id and not message.string:
            message.string = to_hant(message.id)
            message.flags.add("fuzzy")
            filled += 1
    with open(path, "wb") as po:
        write_po(po, catalogue, width=0, omit_header=False)
    return filled


if __name__ == "__main__":
    print(f"{prefill(sys.argv[1])} new strings started from OpenCC s2hk (fuzzy until checked)")
