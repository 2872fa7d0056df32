#!/usr/bin/env python3
"""Fill resources/i18n/drc_desktop_ja.ts with the Japanese texts below, then compile it.

    .venv/bin/pyside6-lupdate drc_desktop/ui/*.py drc_desktop/model/*.py \\
        -ts resources/i18n/drc_desktop_ja.ts
    .venv/bin/python installer/translations_ja.py

A source text without a Japanese entry here is reported and left unfinished (shown in
English), so a new string is noticed rather than silently untranslated.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "drc_desktop_ja.ts"

JAPANESE = {
    "Choose reference image…": "参照画像を選ぶ…",
    "No reference chosen (it is not stored).": "参照画像が未選択です（参照画像は保存されません）。",
    "New seed": "新しいシード",
    "Generate": "生成",
    "Cancel": "キャンセル",
    "Export selected…": "選択した画像を書き出す…",
    "Add selected to history": "選択した画像を履歴に追加",
    "Style strength": "スタイルの強さ",
    "Content strength": "内容の強さ",
    "Images": "枚数",
    "Seed": "シード",
    "Steps": "ステップ数",
    "Reference image": "参照画像",
    "Create or choose a profile first.": "先にプロファイルを作成するか選択してください。",
    "keep": "残す",
    "Export to": "書き出し先",
    "Choose a reference image first.": "先に参照画像を選んでください。",
    "Cancelled: nothing was kept.": "キャンセルしました。何も保存されていません。",
    "Exported {} image(s) to {}": "{} 枚の画像を {} に書き出しました",
    "Added {} image(s) to the profile's history": "{} 枚の画像をプロファイルの履歴に追加しました",
    "Delete selected": "選択した画像を削除",
    "seed {}, style {:g}, content {:g}, {}": "シード {}、スタイル {:g}、内容 {:g}、{}",
    "Drop images or folders here. Only their style and content vectors are kept, encrypted; "
    "the images themselves are not.": "ここに画像やフォルダをドロップしてください。保存されるのは"
    "暗号化されたスタイルと内容のベクトルだけで、画像そのものは保存されません。",
    "Add images…": "画像を追加…",
    "Add images": "画像を追加",
    "Images ({})": "画像 ({})",
    "Done: {}": "完了: {}",
    "DRC Desktop": "DRC Desktop",
    "Settings": "設定",
    "Locked after a period without use.": "しばらく操作がなかったためロックしました。",
    "Remove selected image from the history": "選択した画像を履歴から削除",
    "Show style preview": "スタイルのプレビューを表示",
    "Style and content of the history (2-D map)": "履歴のスタイルと内容（2 次元マップ）",
    "none yet": "まだありません",
    "{} — model {}, encoder {}, {} history images": "{} — モデル {}、エンコーダ {}、履歴 {} 枚",
    " (from output {})": "（生成画像 {} から）",
    "image {} — imported {}{}": "画像 {} — 取り込み日時 {}{}",
    "New profile name": "新しいプロファイル名",
    "Create profile": "プロファイルを作成",
    "Delete profile": "プロファイルを削除",
    "Profiles": "プロファイル",
    "{} — {} images": "{} — {} 枚",
    "Delete the profile {} with its {} history items and {} generated images? This cannot be "
    "undone.": "プロファイル {} と履歴 {} 件、生成画像 {} 枚を削除しますか？元に戻せません。",
    "The two passphrases differ.": "2 つのパスフレーズが一致しません。",
    "Set DRC_HOME to use another folder.": "別のフォルダを使うには DRC_HOME を設定してください。",
    " min": " 分",
    "Register a model folder…": "モデルのフォルダを登録…",
    "Register a model file…": "モデルのファイルを登録…",
    "Data folder": "データフォルダ",
    "Run on": "実行デバイス",
    "Lock after": "自動ロックまで",
    "Language": "言語",
    "Your Stable Diffusion models (safetensors only)": (
        "Stable Diffusion モデル（safetensors のみ）"
    ),
    "Model folder": "モデルのフォルダ",
    "Model file": "モデルのファイル",
    "Too short: use at least 8 characters.": "短すぎます。8 文字以上にしてください。",
    "Strong.": "強い。",
    "Fair: a few unrelated words make it stronger.": (
        "普通。無関係な単語をいくつか並べると強くなります。"
    ),
    "Your images are kept only as encrypted vectors, protected by this passphrase. It is "
    "stored nowhere: if you lose it, nobody can recover your profiles.": "画像は、この"
    "パスフレーズで保護された暗号化ベクトルとしてのみ保存されます。パスフレーズはどこにも"
    "保存されません。忘れると、誰にもプロファイルを復元できません。",
    "Passphrase": "パスフレーズ",
    "Repeat the passphrase": "パスフレーズをもう一度",
    "Create your vault": "保管庫を作成",
    "Unlock": "ロック解除",
    "Create": "作成",
    "No history yet": "履歴はまだありません",
    "● style": "● スタイル",
    "● content": "● 内容",
    "Profile": "プロファイル",
    "Import": "取り込み",
    "Compose": "生成",
    "Gallery": "ギャラリー",
    "Optional prompt (Stable Diffusion models)": "プロンプト（任意、Stable Diffusion モデルのみ）",
    "Prompt": "プロンプト",
    "Rename to this name": "この名前に変更",
    "imported": "取り込み済み",
    "duplicate": "重複",
    "rejected": "不可",
    "skipped": "対象外",
    "{} {}": "{} {}",
    "{} of {} files, about {} s left": "{} / {} ファイル、残り約 {} 秒",
    "step {} of {}": "ステップ {} / {}",
}


def main() -> int:
    tree = ElementTree.parse(TS)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if source in JAPANESE:
            translation.text = JAPANESE[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print(f"translations_ja: no Japanese text for {source!r}", file=sys.stderr)
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    return subprocess.run([str(lrelease), str(TS), "-qm", str(TS.with_suffix(".qm"))]).returncode


if __name__ == "__main__":
    sys.exit(main())
