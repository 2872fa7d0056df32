#!/usr/bin/env python3
"""Fill resources/i18n/drc_desktop_ja.ts with the Japanese texts below, then compile it.

    .venv/bin/pyside6-lupdate -no-obsolete drc_desktop/ui/*.py drc_desktop/model/*.py \\
        drc_desktop/engine/*.py -ts resources/i18n/drc_desktop_ja.ts
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
    "{} of {} — imported {}{}": "{} / {} 枚目 — 取り込み日時 {}{}",
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
    "{} · about {} s left": "{} · 残り約 {} 秒",
    "Optional (Stable Diffusion)": "任意（Stable Diffusion）",
    "A text prompt, for Stable Diffusion profiles only": (
        "テキストのプロンプト（Stable Diffusion のプロファイルのみ）"
    ),
    "Loading the model…": "モデルを読み込み中…",
    "Delete selected…": "選択した画像を削除…",
    "Delete {} generated image(s) from the vault? (Undo can put them back for a short "
    "while.)": "生成画像 {} 枚を保管庫から削除しますか？（しばらくの間は「元に戻す」で戻せます。）",
    "Delete images": "画像を削除",
    "{} of {} files": "{} / {} ファイル",
    "already in this profile": "このプロファイルに取り込み済み",
    "no such file or folder": "ファイルまたはフォルダがありません",
    "system file": "システムファイル",
    "hidden file": "隠しファイル",
    "system folder": "システムフォルダ",
    "hidden folder": "隠しフォルダ",
    "not a regular file": "通常のファイルではありません",
    "not an image by name": "名前から画像ではありません",
    "file is empty": "ファイルが空です",
    "truncated or corrupt image data": "画像データが途切れているか壊れています",
    "floating-point images are not supported": "浮動小数点の画像には対応していません",
    "not an image in a supported format ({})": "対応形式（{}）の画像ではありません",
    "file is over the limit of {} bytes": "ファイルが上限の {} バイトを超えています",
    "image is {} x {} pixels, over the limit of {}": (
        "画像が {} x {} ピクセルで、上限の {} を超えています"
    ),
    "image is too large to decode safely": "画像が大きすぎて安全に読み込めません",
    "image has no pixels ({} x {})": "画像にピクセルがありません（{} x {}）",
    "unsupported pixel mode {}": "対応していないピクセル形式 {}",
    "cannot read file ({})": "ファイルを読み込めません（{}）",
    "very small image ({} x {} px): its style may not show": (
        "とても小さい画像（{} x {} px）：スタイルが十分に表れない可能性があります"
    ),
    "very large image ({} x {} px): described from a reduced copy": (
        "とても大きい画像（{} x {} px）：縮小したものから特徴を抽出しました"
    ),
    "Images go into the profile “{}”.": "画像はプロファイル「{}」に取り込まれます。",
    "Nothing was added: {} image(s) are already in this profile (the same pixels were "
    "imported before).": "何も追加されませんでした。{} 枚の画像はこのプロファイルに取り込み"
    "済みです（同じピクセルの画像が以前に取り込まれています）。",
    "&File": "ファイル(&F)",
    "&Lock now": "今すぐロック(&L)",
    "&Quit": "終了(&Q)",
    "built-in sticker model": "内蔵ステッカーモデル",
    "◀ Previous": "◀ 前へ",
    "Next ▶": "次へ ▶",
    "Original size": "元のサイズ",
    "{}× larger": "{} 倍",
    "Export…": "書き出す…",
    "Close": "閉じる",
    "{} of {}": "{} / {}",
    "Image {} of {}": "画像 {} / {}",
    "Removed image {} from the history.": "画像 {} を履歴から削除しました。",
    "Remove from history…": "履歴から削除…",
    "{} — {}, {} history images": "{} — {}、履歴 {} 枚",
    "Imported with {} different image encoders.": "{} 種類の画像エンコーダで取り込まれています。",
    " (from a generated image)": "（生成画像から）",
    "Remove “{}” from the history of {}? Its vectors are deleted from the vault (Undo can "
    "put it back for a short while).": "「{}」を {} の履歴から削除しますか？ベクトルは保管庫から"
    "削除されます（しばらくの間は「元に戻す」で戻せます）。",
    "Remove from history": "履歴から削除",
    "checking {}": "{} を確認中",
    "Automatic (a graphics card when there is one)": "自動（GPU があれば GPU）",
    "Processor (CPU)": "CPU",
    "NVIDIA graphics card (CUDA)": "NVIDIA GPU（CUDA）",
    "Apple graphics (Metal)": "Apple GPU（Metal）",
    "System language": "システムの言語",
    "diffusers folder": "diffusers フォルダ",
    "single file": "単一ファイル",
    "IP-Adapter": "IP-Adapter",
    "image encoder": "画像エンコーダ",
    "Double-click to return to 1": "ダブルクリックで 1 に戻ります",
    "Select": "選択",
    "Deleted {} image(s).": "{} 枚の画像を削除しました。",
    "Undo": "元に戻す",
    "Wrong passphrase (or the file is not a DRC vault). Try again.": (
        "パスフレーズが違います（または DRC の保管庫ではありません）。もう一度入力してください。"
    ),
    "Something went wrong: {}": "問題が発生しました: {}",
    # the history rebuilt from the vault (issue 12 §2)
    "rebuilt from the vault": "保管庫から再構成",
    "Rebuilt from the vault: what the model makes of this image's stored vectors, held in "
    "memory until the vault locks (never saved).": (
        "保管庫から再構成: 保存されたこの画像のベクトルからモデルが作った絵です。"
        "保管庫をロックするまでメモリ内にだけ保持され、保存されません。"
    ),
    "Pictures rebuilt from the vault: the model makes each one from the image's stored "
    "vectors. The imported images themselves were never kept.": (
        "保管庫から再構成した絵: 保存された各画像のベクトルからモデルが作ります。"
        "取り込んだ画像そのものは保存されていません。"
    ),
    "The imported images were never kept. Select one to rebuild its picture from the vault "
    "(it costs one generation).": (
        "取り込んだ画像は保存されていません。画像を選ぶと保管庫から絵を再構成できます"
        "（生成 1 回分の時間がかかります）。"
    ),
    "Rebuild the selected image from the vault": "選択した画像を保管庫から再構成",
    "Makes a picture from the image's stored vectors: one generation.": (
        "保存された画像のベクトルから絵を作ります（生成 1 回分）。"
    ),
    "rebuilding image {} of {} · step {} of {}": "画像 {} / {} を再構成中 · ステップ {} / {}",
    "import its images again": "画像を取り込み直してください",
    "This profile was {}.": "このプロファイルは {} です。",
    "Choose reference images…": "参照画像を選ぶ…",
    "Choose a folder…": "フォルダを選ぶ…",
    "Reference images": "参照画像",
    "A folder of reference images": "参照画像のフォルダ",
    "A set of {} references: {}{}": "{} 枚の参照画像のセット: {}{}",
    "Skipped (not images): {}": "画像ではないため飛ばしました: {}",
    "(not used)": "（使われませんでした）",
    "reference {} of {} · {}": "参照画像 {} / {} · {}",
    "Cancelled: the images of {} of {} references were kept.": (
        "キャンセルしました。{} / {} 枚の参照画像から生成した画像は保存されています。"
    ),
    "Guidance": "ガイダンス",
    "model's default": "モデルの既定値",
    "not used by this model": "このモデルでは使いません",
    "How closely the image follows the prompt": "画像がプロンプトにどれだけ従うか",
    "Generate again": "もう一度生成",
    "Make the selected image again from what the vault keeps with it": (
        "保管庫に記録された内容から、選択した画像をもう一度生成します"
    ),
    "Select one image to generate again.": "もう一度生成する画像を 1 枚選んでください。",
    "Generated again as image {}": "画像 {} としてもう一度生成しました",
    "Image {} cannot be made again: {}": "画像 {} はもう一度生成できません: {}",
    "The profile's history changed since image {} was made (images were added or removed), "
    "so the same pixels cannot be made again. Generate it from the current history instead?": (
        "画像 {} を生成した後にプロファイルの履歴が変わったため（画像が追加または削除されました）、"
        "同じピクセルはもう一度生成できません。代わりに現在の履歴から生成しますか？"
    ),
    "The history changed": "履歴が変わりました",
    "Nothing was generated.": "何も生成されませんでした。",
    "Images made before sets of references": "参照画像のセットより前に生成した画像",
    "Set of {} references · {}": "{} 枚の参照画像のセット · {}",
    "Made {}": "{} に生成",
    "Reference {}": "参照画像 {}",
    "Export set…": "セットを書き出す…",
    "Export the set to": "セットの書き出し先",
    "Exported the set ({} image(s), one folder per reference) and its contact sheet {} to {}": (
        "セット（{} 枚、参照画像ごとに 1 フォルダ）とコンタクトシート {} を {} に書き出しました"
    ),
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
