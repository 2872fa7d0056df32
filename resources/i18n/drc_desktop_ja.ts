<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>Activity</name>
    <message>
        <location filename="../../drc_desktop/model/activity.py" line="99" />
        <source>{} · about {} s left</source>
        <translation>{} · 残り約 {} 秒</translation>
    </message>
</context>
<context>
    <name>ComposeTab</name>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="108" />
        <source>Optional (Stable Diffusion)</source>
        <translation>任意（Stable Diffusion）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="109" />
        <source>A text prompt, for Stable Diffusion profiles only</source>
        <translation>テキストのプロンプト（Stable Diffusion のプロファイルのみ）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="260" />
        <source>No reference chosen (it is not stored).</source>
        <translation>参照画像が未選択です（参照画像は保存されません）。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="100" />
        <source>New seed</source>
        <translation>新しいシード</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="90" />
        <source>Choose reference images…</source>
        <translation>参照画像を選ぶ…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="91" />
        <source>Choose a folder…</source>
        <translation>フォルダを選ぶ…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="103" />
        <source>model's default</source>
        <translation>モデルの既定値</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="105" />
        <source>not used by this model</source>
        <translation>このモデルでは使いません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="106" />
        <source>How closely the image follows the prompt</source>
        <translation>画像がプロンプトにどれだけ従うか</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="110" />
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="111" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="114" />
        <source>Export selected…</source>
        <translation>選択した画像を書き出す…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="115" />
        <source>Add selected to history</source>
        <translation>選択した画像を履歴に追加</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="116" />
        <source>Delete selected</source>
        <translation>選択した画像を削除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="133" />
        <source>Style strength</source>
        <translation>スタイルの強さ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="134" />
        <source>Content strength</source>
        <translation>内容の強さ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="135" />
        <source>Images</source>
        <translation>枚数</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="136" />
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="137" />
        <source>Steps</source>
        <translation>ステップ数</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="138" />
        <source>Guidance</source>
        <translation>ガイダンス</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="139" />
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="266" />
        <source>A set of {} references: {}{}</source>
        <translation>{} 枚の参照画像のセット: {}{}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="274" />
        <source>Reference images</source>
        <translation>参照画像</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="279" />
        <source>A folder of reference images</source>
        <translation>参照画像のフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="286" />
        <source>Create or choose a profile first.</source>
        <translation>先にプロファイルを作成するか選択してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="306" />
        <source>(not used)</source>
        <translation>（使われませんでした）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="326" />
        <source>Export to</source>
        <translation>書き出し先</translation>
    </message>
</context>
<context>
    <name>ComposerModel</name>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="302" />
        <source>Choose a reference image first.</source>
        <translation>先に参照画像を選んでください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="343" />
        <source>step {} of {}</source>
        <translation>ステップ {} / {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="363" />
        <source>Cancelled: nothing was kept.</source>
        <translation>キャンセルしました。何も保存されていません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="174" />
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="241" />
        <source>Skipped (not images): {}</source>
        <translation>画像ではないため飛ばしました: {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="345" />
        <source>reference {} of {} · {}</source>
        <translation>参照画像 {} / {} · {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="360" />
        <source>Cancelled: the images of {} of {} references were kept.</source>
        <translation>キャンセルしました。{} / {} 枚の参照画像から生成した画像は保存されています。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="379" />
        <source>Exported {} image(s) to {}</source>
        <translation>{} 枚の画像を {} に書き出しました</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="408" />
        <source>Added {} image(s) to the profile's history</source>
        <translation>{} 枚の画像をプロファイルの履歴に追加しました</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <location filename="../../drc_desktop/engine/messages.py" line="15" />
        <source>Wrong passphrase (or the file is not a DRC vault). Try again.</source>
        <translation>パスフレーズが違います（または DRC の保管庫ではありません）。もう一度入力してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/engine/messages.py" line="21" />
        <source>Something went wrong: {}</source>
        <translation>問題が発生しました: {}</translation>
    </message>
</context>
<context>
    <name>GalleryModel</name>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="177" />
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="180" />
        <source>Cancelled: nothing was kept.</source>
        <translation>キャンセルしました。何も保存されていません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="210" />
        <source>Exported {} image(s) to {}</source>
        <translation>{} 枚の画像を {} に書き出しました</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="226" />
        <source>Exported the set ({} image(s), one folder per reference) and its contact sheet {} to {}</source>
        <translation>セット（{} 枚、参照画像ごとに 1 フォルダ）とコンタクトシート {} を {} に書き出しました</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="247" />
        <source>Image {} cannot be made again: {}</source>
        <translation>画像 {} はもう一度生成できません: {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="255" />
        <source>step {} of {}</source>
        <translation>ステップ {} / {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="260" />
        <source>The profile's history changed since image {} was made (images were added or removed), so the same pixels cannot be made again. Generate it from the current history instead?</source>
        <translation>画像 {} を生成した後にプロファイルの履歴が変わったため（画像が追加または削除されました）、同じピクセルはもう一度生成できません。代わりに現在の履歴から生成しますか？</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="272" />
        <source>Generated again as image {}</source>
        <translation>画像 {} としてもう一度生成しました</translation>
    </message>
</context>
<context>
    <name>GalleryTab</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="391" />
        <source>Export selected…</source>
        <translation>選択した画像を書き出す…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="392" />
        <source>Generate again</source>
        <translation>もう一度生成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="394" />
        <source>Make the selected image again from what the vault keeps with it</source>
        <translation>保管庫に記録された内容から、選択した画像をもう一度生成します</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="396" />
        <source>Delete selected…</source>
        <translation>選択した画像を削除…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="438" />
        <source>seed {}, style {:g}, content {:g}, {}</source>
        <translation>シード {}、スタイル {:g}、内容 {:g}、{}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="453" />
        <source>Images made before sets of references</source>
        <translation>参照画像のセットより前に生成した画像</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="455" />
        <source>Set of {} references · {}</source>
        <translation>{} 枚の参照画像のセット · {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="457" />
        <source>Made {}</source>
        <translation>{} に生成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="459" />
        <source>Reference {}</source>
        <translation>参照画像 {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="463" />
        <source>Export set…</source>
        <translation>セットを書き出す…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="486" />
        <source>Export to</source>
        <translation>書き出し先</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="491" />
        <source>Export the set to</source>
        <translation>セットの書き出し先</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="498" />
        <source>Select one image to generate again.</source>
        <translation>もう一度生成する画像を 1 枚選んでください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="507" />
        <source>The history changed</source>
        <translation>履歴が変わりました</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="510" />
        <source>Nothing was generated.</source>
        <translation>何も生成されませんでした。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="520" />
        <source>Delete {} generated image(s) from the vault? (Undo can put them back for a short while.)</source>
        <translation>生成画像 {} 枚を保管庫から削除しますか？（しばらくの間は「元に戻す」で戻せます。）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="523" />
        <source>Delete images</source>
        <translation>画像を削除</translation>
    </message>
</context>
<context>
    <name>ImportModel</name>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="33" />
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="73" />
        <source>{} of {} files</source>
        <translation>{} / {} ファイル</translation>
    </message>
</context>
<context>
    <name>ImportReason</name>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="15" />
        <source>already in this profile</source>
        <translation>このプロファイルに取り込み済み</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="16" />
        <source>no such file or folder</source>
        <translation>ファイルまたはフォルダがありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="17" />
        <source>system file</source>
        <translation>システムファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="18" />
        <source>hidden file</source>
        <translation>隠しファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="19" />
        <source>system folder</source>
        <translation>システムフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="20" />
        <source>hidden folder</source>
        <translation>隠しフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="21" />
        <source>not a regular file</source>
        <translation>通常のファイルではありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="22" />
        <source>not an image by name</source>
        <translation>名前から画像ではありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="23" />
        <source>file is empty</source>
        <translation>ファイルが空です</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="25" />
        <source>truncated or corrupt image data</source>
        <translation>画像データが途切れているか壊れています</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="27" />
        <source>floating-point images are not supported</source>
        <translation>浮動小数点の画像には対応していません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="29" />
        <source>not an image in a supported format ({})</source>
        <translation>対応形式（{}）の画像ではありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="31" />
        <source>file is over the limit of {} bytes</source>
        <translation>ファイルが上限の {} バイトを超えています</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="33" />
        <source>image is {} x {} pixels, over the limit of {}</source>
        <translation>画像が {} x {} ピクセルで、上限の {} を超えています</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="35" />
        <source>image is too large to decode safely</source>
        <translation>画像が大きすぎて安全に読み込めません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="37" />
        <source>image has no pixels ({} x {})</source>
        <translation>画像にピクセルがありません（{} x {}）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="39" />
        <source>unsupported pixel mode {}</source>
        <translation>対応していないピクセル形式 {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="40" />
        <source>cannot read file ({})</source>
        <translation>ファイルを読み込めません（{}）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="42" />
        <source>very small image ({} x {} px): its style may not show</source>
        <translation>とても小さい画像（{} x {} px）：スタイルが十分に表れない可能性があります</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/reasons.py" line="44" />
        <source>very large image ({} x {} px): described from a reduced copy</source>
        <translation>とても大きい画像（{} x {} px）：縮小したものから特徴を抽出しました</translation>
    </message>
</context>
<context>
    <name>ImportTab</name>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="37" />
        <source>Drop images or folders here. Only their style and content vectors are kept, encrypted; the images themselves are not.</source>
        <translation>ここに画像やフォルダをドロップしてください。保存されるのは暗号化されたスタイルと内容のベクトルだけで、画像そのものは保存されません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="42" />
        <source>Add images…</source>
        <translation>画像を追加…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="43" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="82" />
        <location filename="../../drc_desktop/ui/import_tab.py" line="90" />
        <source>Create or choose a profile first.</source>
        <translation>先にプロファイルを作成するか選択してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="84" />
        <source>Images go into the profile “{}”.</source>
        <translation>画像はプロファイル「{}」に取り込まれます。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="96" />
        <source>Add images</source>
        <translation>画像を追加</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="96" />
        <source>Images ({})</source>
        <translation>画像 ({})</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="110" />
        <source>imported</source>
        <translation>取り込み済み</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="110" />
        <source>duplicate</source>
        <translation>重複</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="111" />
        <source>rejected</source>
        <translation>不可</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="111" />
        <source>skipped</source>
        <translation>対象外</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="129" />
        <source>{} {}</source>
        <translation>{} {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="131" />
        <source>Done: {}</source>
        <translation>完了: {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="135" />
        <source>Nothing was added: {} image(s) are already in this profile (the same pixels were imported before).</source>
        <translation>何も追加されませんでした。{} 枚の画像はこのプロファイルに取り込み済みです（同じピクセルの画像が以前に取り込まれています）。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="54" />
        <source>DRC Desktop</source>
        <translation>DRC Desktop</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="59" />
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="78" />
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="79" />
        <source>&amp;Lock now</source>
        <translation>今すぐロック(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="83" />
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="141" />
        <source>Locked after a period without use.</source>
        <translation>しばらく操作がなかったためロックしました。</translation>
    </message>
</context>
<context>
    <name>ModelLabel</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="73" />
        <source>built-in sticker model</source>
        <translation>内蔵ステッカーモデル</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="47" />
        <source>◀ Previous</source>
        <translation>◀ 前へ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="48" />
        <source>Next ▶</source>
        <translation>次へ ▶</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="51" />
        <source>Original size</source>
        <translation>元のサイズ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="51" />
        <source>{}× larger</source>
        <translation>{} 倍</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="53" />
        <source>Export…</source>
        <translation>書き出す…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="54" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="84" />
        <source>{} of {}</source>
        <translation>{} / {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="85" />
        <source>Image {} of {}</source>
        <translation>画像 {} / {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/preview_dialog.py" line="94" />
        <source>Export to</source>
        <translation>書き出し先</translation>
    </message>
</context>
<context>
    <name>ProfileModel</name>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="63" />
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="122" />
        <source>Removed image {} from the history.</source>
        <translation>画像 {} を履歴から削除しました。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="144" />
        <source>step {} of {}</source>
        <translation>ステップ {} / {}</translation>
    </message>
</context>
<context>
    <name>ProfileTab</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="189" />
        <source>Rebuild the selected image from the vault</source>
        <translation>選択した画像を保管庫から再構成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="191" />
        <source>Makes a picture from the image's stored vectors: one generation.</source>
        <translation>保存された画像のベクトルから絵を作ります（生成 1 回分）。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="194" />
        <source>Remove from history…</source>
        <translation>履歴から削除…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="195" />
        <source>Show style preview</source>
        <translation>スタイルのプレビューを表示</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="208" />
        <source>Style and content of the history (2-D map)</source>
        <translation>履歴のスタイルと内容（2 次元マップ）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="247" />
        <source>{} — {}, {} history images</source>
        <translation>{} — {}、履歴 {} 枚</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="253" />
        <source>Imported with {} different image encoders.</source>
        <translation>{} 種類の画像エンコーダで取り込まれています。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="259" />
        <source> (from a generated image)</source>
        <translation>（生成画像から）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="260" />
        <source>{} of {} — imported {}{}</source>
        <translation>{} / {} 枚目 — 取り込み日時 {}{}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="281" />
        <source>Pictures rebuilt from the vault: the model makes each one from the image's stored vectors. The imported images themselves were never kept.</source>
        <translation>保管庫から再構成した絵: 保存された各画像のベクトルからモデルが作ります。取り込んだ画像そのものは保存されていません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="286" />
        <source>The imported images were never kept. Select one to rebuild its picture from the vault (it costs one generation).</source>
        <translation>取り込んだ画像は保存されていません。画像を選ぶと保管庫から絵を再構成できます（生成 1 回分の時間がかかります）。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="335" />
        <source>rebuilt from the vault</source>
        <translation>保管庫から再構成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="337" />
        <source>Rebuilt from the vault: what the model makes of this image's stored vectors, held in memory until the vault locks (never saved).</source>
        <translation>保管庫から再構成: 保存されたこの画像のベクトルからモデルが作った絵です。保管庫をロックするまでメモリ内にだけ保持され、保存されません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="370" />
        <source>Remove “{}” from the history of {}? Its vectors are deleted from the vault (Undo can put it back for a short while).</source>
        <translation>「{}」を {} の履歴から削除しますか？ベクトルは保管庫から削除されます（しばらくの間は「元に戻す」で戻せます）。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="373" />
        <source>Remove from history</source>
        <translation>履歴から削除</translation>
    </message>
</context>
<context>
    <name>ProfilesPanel</name>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="29" />
        <source>New profile name</source>
        <translation>新しいプロファイル名</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="35" />
        <source>Create profile</source>
        <translation>プロファイルを作成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="36" />
        <source>Rename to this name</source>
        <translation>この名前に変更</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="37" />
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="121" />
        <source>Delete profile</source>
        <translation>プロファイルを削除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="39" />
        <source>Profiles</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="81" />
        <source>{} — {} images</source>
        <translation>{} — {} 枚</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="84" />
        <source>import its images again</source>
        <translation>画像を取り込み直してください</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="87" />
        <source>This profile was {}.</source>
        <translation>このプロファイルは {} です。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="118" />
        <source>Delete the profile {} with its {} history items and {} generated images? This cannot be undone.</source>
        <translation>プロファイル {} と履歴 {} 件、生成画像 {} 枚を削除しますか？元に戻せません。</translation>
    </message>
</context>
<context>
    <name>RebuiltHistoryModel</name>
    <message>
        <location filename="../../drc_desktop/model/rebuilt_history.py" line="37" />
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/rebuilt_history.py" line="89" />
        <source>rebuilding image {} of {} · step {} of {}</source>
        <translation>画像 {} / {} を再構成中 · ステップ {} / {}</translation>
    </message>
</context>
<context>
    <name>SessionModel</name>
    <message>
        <location filename="../../drc_desktop/model/session.py" line="102" />
        <source>The two passphrases differ.</source>
        <translation>2 つのパスフレーズが一致しません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/session.py" line="278" />
        <source>checking {}</source>
        <translation>{} を確認中</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="35" />
        <source>Set DRC_HOME to use another folder.</source>
        <translation>別のフォルダを使うには DRC_HOME を設定してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="38" />
        <source>Automatic (a graphics card when there is one)</source>
        <translation>自動（GPU があれば GPU）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="39" />
        <source>Processor (CPU)</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="40" />
        <source>NVIDIA graphics card (CUDA)</source>
        <translation>NVIDIA GPU（CUDA）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="41" />
        <source>Apple graphics (Metal)</source>
        <translation>Apple GPU（Metal）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="47" />
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="49" />
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="55" />
        <source>Register a model folder…</source>
        <translation>モデルのフォルダを登録…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="56" />
        <source>Register a model file…</source>
        <translation>モデルのファイルを登録…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="59" />
        <source>Data folder</source>
        <translation>データフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="60" />
        <source>Run on</source>
        <translation>実行デバイス</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="61" />
        <source>Lock after</source>
        <translation>自動ロックまで</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="62" />
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="65" />
        <source>Your Stable Diffusion models (safetensors only)</source>
        <translation>Stable Diffusion モデル（safetensors のみ）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="91" />
        <source>diffusers folder</source>
        <translation>diffusers フォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="92" />
        <source>single file</source>
        <translation>単一ファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="93" />
        <source>IP-Adapter</source>
        <translation>IP-Adapter</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="94" />
        <source>image encoder</source>
        <translation>画像エンコーダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="116" />
        <source>Model folder</source>
        <translation>モデルのフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="118" />
        <source>Model file</source>
        <translation>モデルのファイル</translation>
    </message>
</context>
<context>
    <name>StrengthSlider</name>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="53" />
        <source>Double-click to return to 1</source>
        <translation>ダブルクリックで 1 に戻ります</translation>
    </message>
</context>
<context>
    <name>ThumbnailGroups</name>
    <message>
        <location filename="../../drc_desktop/ui/thumbnails.py" line="144" />
        <source>Select</source>
        <translation>選択</translation>
    </message>
</context>
<context>
    <name>Undo</name>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="306" />
        <source>Deleted {} image(s).</source>
        <translation>{} 枚の画像を削除しました。</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="62" />
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
</context>
<context>
    <name>UnlockView</name>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="17" />
        <source>Too short: use at least 8 characters.</source>
        <translation>短すぎます。8 文字以上にしてください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="19" />
        <source>Strong.</source>
        <translation>強い。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="20" />
        <source>Fair: a few unrelated words make it stronger.</source>
        <translation>普通。無関係な単語をいくつか並べると強くなります。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="31" />
        <source>Your images are kept only as encrypted vectors, protected by this passphrase. It is stored nowhere: if you lose it, nobody can recover your profiles.</source>
        <translation>画像は、このパスフレーズで保護された暗号化ベクトルとしてのみ保存されます。パスフレーズはどこにも保存されません。忘れると、誰にもプロファイルを復元できません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="37" />
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="39" />
        <source>Repeat the passphrase</source>
        <translation>パスフレーズをもう一度</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="71" />
        <source>Create your vault</source>
        <translation>保管庫を作成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="71" />
        <location filename="../../drc_desktop/ui/unlock_view.py" line="72" />
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="72" />
        <source>Create</source>
        <translation>作成</translation>
    </message>
</context>
<context>
    <name>VectorMap</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="151" />
        <source>No history yet</source>
        <translation>履歴はまだありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="166" />
        <source>● style</source>
        <translation>● スタイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="168" />
        <source>● content</source>
        <translation>● 内容</translation>
    </message>
</context>
<context>
    <name>WorkView</name>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="87" />
        <source>Profile</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="88" />
        <source>Import</source>
        <translation>取り込み</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="89" />
        <source>Compose</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="90" />
        <source>Gallery</source>
        <translation>ギャラリー</translation>
    </message>
</context>
</TS>