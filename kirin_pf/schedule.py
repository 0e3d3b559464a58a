"""Every periodic task of the platform, in one place.

Synced into django-celery-beat's tables after every `migrate` and by `manage.py sync_schedule`
(core/schedule.py). Times are Asia/Tokyo. A sync creates what is missing and keeps the dotted
task path and the description in line with this file; the time and the on/off switch belong to
the secretariat once the entry exists (edited in the admin under 定期実行タスク), so a later
migrate never undoes their change. `manage.py sync_schedule --reset` puts the times back.

To add a scheduled task: write a thin `<app>/tasks.py` task, add a line here, run migrate.
"""

# name (the Japanese label staff see), task (dotted path), crontab (minute hour day month
# weekday), description (Japanese, shown in the admin).
PERIODIC_TASKS = [
    {
        "name": "セキュリティ：ログイン失敗の多発のお知らせ（毎日）",
        "task": "core.tasks.security_failures_alert_task",
        "crontab": "15 7 * * *",
        "description": (
            "前日のログイン失敗・拒否が基準（SECURITY_FAILED_LOGIN_ALERT）以上あった日に、"
            "件数の多い接続元とログイン名を事務局にお知らせします（日ごとに1回）。"
        ),
    },
    {
        "name": "会員：連絡のない一般団体の確認（毎日）",
        "task": "members.tasks.no_contact_reminder_task",
        "crontab": "30 7 * * *",
        "description": (
            "連絡が1年近く途絶えている一般団体を事務局にお知らせします（除名は自動では行いません）。"
        ),
    },
    {
        "name": "会員：審査待ちの入会申込書のお知らせ（毎日）",
        "task": "members.tasks.applications_waiting_reminder_task",
        "crontab": "45 7 * * 1-5",
        "description": "審査待ちの入会申込書を平日の朝に事務局へお知らせします。",
    },
    {
        "name": "会員：みなし決議の回答依頼（毎日）",
        "task": "members.tasks.written_resolution_reminder_task",
        "crontab": "0 9 * * *",
        "description": "回答期限が近いみなし決議について、未回答の幹事団体にお知らせします。",
    },
    {
        "name": "会員：見込み団体の次の一歩（毎日）",
        "task": "members.tasks.prospect_next_step_reminder_task",
        "crontab": "0 9 * * *",
        "description": "次の一歩の予定日を迎えた見込み団体を事務局にお知らせします。",
    },
    {
        "name": "つながりサポーター研修 前日リマインダー",
        "task": "supporters.tasks.training_reminders_task",
        "crontab": "0 9 * * *",
        "description": (
            "毎日 9:00 に、翌日の研修に申し込んだ方へリマインダーを送ります"
            "（送信済みは再送しません）。"
        ),
    },
    {
        "name": "つながりサポーター研修 キャンセル待ちの繰り上げ（15分ごと）",
        "task": "supporters.tasks.waitlist_offers_expire_task",
        "crontab": "*/15 * * * *",
        "description": (
            "回答期限を過ぎた繰り上げのご案内を取り消し、空いた席をキャンセル待ちの次の方へ"
            "ご案内します（案内リンクを開いたときにも確認します）。"
        ),
    },
    {
        "name": "つながりサポーター 更新研修リマインダー",
        "task": "supporters.tasks.refresher_reminders_task",
        "crontab": "0 10 * * *",
        "description": (
            "毎日 10:00 に、更新研修の時期が近いサポーターへお知らせを送ります（期限ごとに1回）。"
        ),
    },
    {
        "name": "食品：在庫と台帳の夜間点検（毎日）",
        "task": "foodhub.tasks.ledger_check_task",
        "crontab": "30 2 * * *",
        "description": (
            "毎晩2:30に、各ロットの在庫と月次集計が入出庫台帳と一致するかを点検し、"
            "一致しないロット・集計行があれば事務局にお知らせします（日ごとに1回）。"
        ),
    },
    {
        "name": "つながりサポーター：月次集計の夜間点検（毎日）",
        "task": "supporters.tasks.rollup_check_task",
        "crontab": "45 2 * * *",
        "description": (
            "毎晩2:45に、つながりサポーターの月次集計が登録内容から数え直した人数と一致するかを"
            "点検し、一致しない行があれば事務局にお知らせします（日ごとに1回）。"
        ),
    },
    {
        "name": "食品の期限接近通知（毎日）",
        "task": "foodhub.tasks.near_expiry_alert_task",
        "crontab": "0 7 * * *",
        "description": (
            "毎朝7:00に、保管場所ごとの日数以内に期限を迎えるロットを各拠点の担当者に通知します。"
        ),
    },
    {
        "name": "食品：依頼の受け取り・お届け前日のお知らせ（毎日）",
        "task": "foodhub.tasks.food_request_reminder_task",
        "crontab": "0 8 * * *",
        "description": (
            "毎朝8:00に、翌日に受け取り・お届けの食品依頼（準備中・準備完了）について、"
            "依頼した団体の担当者にお知らせします（依頼ごとに1回）。"
        ),
    },
    {
        "name": "協議会：フォローアップ期日の通知（毎日）",
        "task": "council.tasks.follow_up_reminders_task",
        "crontab": "0 7 * * *",
        "description": (
            "毎朝7:00に、期日到来・期日超過のフォローアップを調整機関の受付担当に通知します"
            "（ケース番号とリンクのみ）。"
        ),
    },
    {
        "name": "協議会：保存期間を過ぎた個人情報の消去（毎日）",
        "task": "council.tasks.retention_task",
        "crontab": "0 3 * * *",
        "description": (
            "毎日3:00に、終結から保存年限を過ぎたケースの個人情報を消去します（消去は記録されます）。"
        ),
    },
    {
        "name": "インポート：確認されなかったファイルの破棄（毎日）",
        "task": "core.tasks.import_jobs_expire_task",
        "crontab": "30 3 * * *",
        "description": (
            "毎日3:30に、確認されないまま1日を過ぎたインポートのファイルを破棄し、"
            "1週間を過ぎたインポートの記録を削除します。処理が途中で止まったままのインポートは"
            "失敗として表示します（ファイルのアップロード時にも行います）。"
        ),
    },
    {
        "name": "プラットフォーム概要（月次）",
        "task": "reports.tasks.platform_summary_monthly_task",
        "crontab": "0 6 1 * *",
        "description": "毎月1日 6:00 にプラットフォーム概要PDFを作成して保存します。",
    },
    {
        "name": "月次報告の作成と送付（毎月1日）",
        "task": "reports.tasks.monthly_report_task",
        "crontab": "30 6 1 * *",
        "description": (
            "毎月1日 6:30 に前月の月次報告（会員・つながりサポーター・食支援・地域協議会）を"
            "PDFで作成・保存し、コーディネーターと事務局にお知らせします（月ごとに1回）。"
        ),
    },
]
