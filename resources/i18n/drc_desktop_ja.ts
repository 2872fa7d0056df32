<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>ComposeTab</name>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="37" />
        <source>Choose reference image…</source>
        <translation>参照画像を選ぶ…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="38" />
        <source>No reference chosen (it is not stored).</source>
        <translation>参照画像が未選択です（参照画像は保存されません）。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="43" />
        <source>New seed</source>
        <translation>新しいシード</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="46" />
        <source>Optional prompt (Stable Diffusion models)</source>
        <translation>プロンプト（任意、Stable Diffusion モデルのみ）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="48" />
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="49" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="52" />
        <source>Export selected…</source>
        <translation>選択した画像を書き出す…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="53" />
        <source>Add selected to history</source>
        <translation>選択した画像を履歴に追加</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="54" />
        <source>Delete selected</source>
        <translation>選択した画像を削除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="60" />
        <source>Style strength</source>
        <translation>スタイルの強さ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="61" />
        <source>Content strength</source>
        <translation>内容の強さ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="62" />
        <source>Images</source>
        <translation>枚数</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="63" />
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="64" />
        <source>Steps</source>
        <translation>ステップ数</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="65" />
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="123" />
        <source>Reference image</source>
        <translation>参照画像</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="131" />
        <source>Create or choose a profile first.</source>
        <translation>先にプロファイルを作成するか選択してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="153" />
        <source>keep</source>
        <translation>残す</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/compose_tab.py" line="165" />
        <source>Export to</source>
        <translation>書き出し先</translation>
    </message>
</context>
<context>
    <name>ComposerModel</name>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="107" />
        <source>Choose a reference image first.</source>
        <translation>先に参照画像を選んでください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="129" />
        <source>step {} of {}</source>
        <translation>ステップ {} / {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="151" />
        <source>Cancelled: nothing was kept.</source>
        <translation>キャンセルしました。何も保存されていません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="155" />
        <source>Exported {} image(s) to {}</source>
        <translation>{} 枚の画像を {} に書き出しました</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="182" />
        <source>Added {} image(s) to the profile's history</source>
        <translation>{} 枚の画像をプロファイルの履歴に追加しました</translation>
    </message>
</context>
<context>
    <name>GalleryModel</name>
    <message>
        <location filename="../../drc_desktop/model/library.py" line="143" />
        <source>Exported {} image(s) to {}</source>
        <translation>{} 枚の画像を {} に書き出しました</translation>
    </message>
</context>
<context>
    <name>GalleryTab</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="159" />
        <source>Export selected…</source>
        <translation>選択した画像を書き出す…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="160" />
        <source>Delete selected</source>
        <translation>選択した画像を削除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="188" />
        <source>seed {}, style {:g}, content {:g}, {}</source>
        <translation>シード {}、スタイル {:g}、内容 {:g}、{}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="205" />
        <source>Export to</source>
        <translation>書き出し先</translation>
    </message>
</context>
<context>
    <name>ImportModel</name>
    <message>
        <location filename="../../drc_desktop/model/activities.py" line="49" />
        <source>{} of {} files, about {} s left</source>
        <translation>{} / {} ファイル、残り約 {} 秒</translation>
    </message>
</context>
<context>
    <name>ImportTab</name>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="32" />
        <source>Drop images or folders here. Only their style and content vectors are kept, encrypted; the images themselves are not.</source>
        <translation>ここに画像やフォルダをドロップしてください。保存されるのは暗号化されたスタイルと内容のベクトルだけで、画像そのものは保存されません。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="37" />
        <source>Add images…</source>
        <translation>画像を追加…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="38" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="61" />
        <source>Create or choose a profile first.</source>
        <translation>先にプロファイルを作成するか選択してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="69" />
        <source>Add images</source>
        <translation>画像を追加</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="69" />
        <source>Images ({})</source>
        <translation>画像 ({})</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="85" />
        <source>imported</source>
        <translation>取り込み済み</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="85" />
        <source>duplicate</source>
        <translation>重複</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="86" />
        <source>rejected</source>
        <translation>不可</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="86" />
        <source>skipped</source>
        <translation>対象外</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="103" />
        <source>{} {}</source>
        <translation>{} {}</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/import_tab.py" line="105" />
        <source>Done: {}</source>
        <translation>完了: {}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="45" />
        <source>DRC Desktop</source>
        <translation>DRC Desktop</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="49" />
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/main_window.py" line="96" />
        <source>Locked after a period without use.</source>
        <translation>しばらく操作がなかったためロックしました。</translation>
    </message>
</context>
<context>
    <name>ProfileTab</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="91" />
        <source>Remove selected image from the history</source>
        <translation>選択した画像を履歴から削除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="92" />
        <source>Show style preview</source>
        <translation>スタイルのプレビューを表示</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="100" />
        <source>Style and content of the history (2-D map)</source>
        <translation>履歴のスタイルと内容（2 次元マップ）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="119" />
        <source>none yet</source>
        <translation>まだありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="121" />
        <source>{} — model {}, encoder {}, {} history images</source>
        <translation>{} — モデル {}、エンコーダ {}、履歴 {} 枚</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="127" />
        <source> (from output {})</source>
        <translation>（生成画像 {} から）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="128" />
        <source>image {} — imported {}{}</source>
        <translation>画像 {} — 取り込み日時 {}{}</translation>
    </message>
</context>
<context>
    <name>ProfilesPanel</name>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="28" />
        <source>New profile name</source>
        <translation>新しいプロファイル名</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="31" />
        <source>Create profile</source>
        <translation>プロファイルを作成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="32" />
        <source>Rename to this name</source>
        <translation>この名前に変更</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="33" />
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="99" />
        <source>Delete profile</source>
        <translation>プロファイルを削除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="35" />
        <source>Profiles</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="73" />
        <source>{} — {} images</source>
        <translation>{} — {} 枚</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/profiles_panel.py" line="96" />
        <source>Delete the profile {} with its {} history items and {} generated images? This cannot be undone.</source>
        <translation>プロファイル {} と履歴 {} 件、生成画像 {} 枚を削除しますか？元に戻せません。</translation>
    </message>
</context>
<context>
    <name>SessionModel</name>
    <message>
        <location filename="../../drc_desktop/model/session.py" line="84" />
        <source>The two passphrases differ.</source>
        <translation>2 つのパスフレーズが一致しません。</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="33" />
        <source>Set DRC_HOME to use another folder.</source>
        <translation>別のフォルダを使うには DRC_HOME を設定してください。</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="37" />
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="44" />
        <source>Register a model folder…</source>
        <translation>モデルのフォルダを登録…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="45" />
        <source>Register a model file…</source>
        <translation>モデルのファイルを登録…</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="48" />
        <source>Data folder</source>
        <translation>データフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="49" />
        <source>Run on</source>
        <translation>実行デバイス</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="50" />
        <source>Lock after</source>
        <translation>自動ロックまで</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="51" />
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="54" />
        <source>Your Stable Diffusion models (safetensors only)</source>
        <translation>Stable Diffusion モデル（safetensors のみ）</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="86" />
        <source>Model folder</source>
        <translation>モデルのフォルダ</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/settings_view.py" line="89" />
        <source>Model file</source>
        <translation>モデルのファイル</translation>
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
        <location filename="../../drc_desktop/ui/unlock_view.py" line="63" />
        <source>Create your vault</source>
        <translation>保管庫を作成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="63" />
        <location filename="../../drc_desktop/ui/unlock_view.py" line="64" />
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/unlock_view.py" line="64" />
        <source>Create</source>
        <translation>作成</translation>
    </message>
</context>
<context>
    <name>VectorMap</name>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="61" />
        <source>No history yet</source>
        <translation>履歴はまだありません</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="78" />
        <source>● style</source>
        <translation>● スタイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/library_views.py" line="80" />
        <source>● content</source>
        <translation>● 内容</translation>
    </message>
</context>
<context>
    <name>WorkView</name>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="47" />
        <source>Profile</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="48" />
        <source>Import</source>
        <translation>取り込み</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="49" />
        <source>Compose</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="50" />
        <source>Gallery</source>
        <translation>ギャラリー</translation>
    </message>
    <message>
        <location filename="../../drc_desktop/ui/work_view.py" line="61" />
        <source>No reference chosen (it is not stored).</source>
        <translation>参照画像が未選択です（参照画像は保存されません）。</translation>
    </message>
</context>
</TS>