"""Typed records: times as date-times, deadlines as dates, documents as JSON, the links between
a proposal and its decisions, opinions, meetings, submissions, notes and publications as
foreign keys, and Chinese names for the admin.

The audit digests serialise typed values one canonical way (China time in ISO form, sorted
compact JSON), which is the text this program always wrote. Before anything is converted,
every value the record covers is checked to read back as exactly that text; a store whose
record holds other text (a rehearsal store upgraded from a 0.1 database by an earlier
version) is refused and left as it was, since converting it would break its audit.
"""

import json
from datetime import date, datetime, timedelta, timezone

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CHINA = timezone(timedelta(hours=8))

# (table, column, kind, covered by the audit)
TYPED = [
    ("duty_audit", "at", "time", True), ("duty_audit", "detail", "json", True),
    ("duty_proposal", "document", "json", True), ("duty_proposal", "streets", "json", True),
    ("duty_proposal", "state_since", "time", True), ("duty_proposal", "due", "date", True),
    ("duty_proposal", "created", "time", True), ("duty_decision", "at", "time", True),
    ("duty_opinion", "at", "time", True), ("duty_meeting", "at", "time", True),
    ("duty_version", "at", "time", True), ("duty_version", "names", "json", True),
    ("duty_api_token", "created", "time", False), ("duty_api_token", "revoked", "time", True),
    ("duty_who_lookup", "at", "time", False), ("duty_submission", "document", "json", True),
    ("duty_submission", "at", "time", True), ("duty_step_note", "at", "time", True),
]


def _reads_back(kind, text, covered):
    try:
        if kind == "json":
            return json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")) == text
        if kind == "date":
            return date.fromisoformat(text).isoformat() == text
        value = datetime.fromisoformat(text)
    except ValueError:
        return False
    if value.tzinfo is None:
        return not covered
    return not covered or value.astimezone(CHINA).isoformat() == text


def check_values(apps, schema_editor):
    from engine.errors import StoreError

    bad = []
    with schema_editor.connection.cursor() as cursor:
        for table, column, kind, covered in TYPED:
            cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
            for (text,) in cursor.fetchall():
                if not _reads_back(kind, text, covered):
                    bad.append(f"{table}.{column}：{str(text)[:60]}")
    if bad:
        raise StoreError(f"数据库中有 {len(bad)} 个值不能按规范形式转换（" + "；".join(bad[:3])
                         + "），转换后审计记录将无法核验，已停止迁移", store="", reason="unconvertible",
                         hint="数据库未改动。由旧版 duty 从 0.1 版数据库升级而来的演练库会这样："
                              "请用本版本的 duty store upgrade 从原来的 0.1 版数据库重新升级；"
                              "其他数据库请先用升级前的 duty audit verify 核验是否被直接改动过。")


def store_times(apps, schema_editor):
    """SQLite keeps the converted times as the text they were: write them again in Django's
    form (UTC), so that comparing and ordering them in queries is right."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("AuditEntry", "Proposal", "Decision", "Opinion", "Meeting", "ListVersion",
                 "ApiToken", "WhoLookup", "Submission", "StepNote"):
        model = apps.get_model("store", name)
        fields = [f.name for f in model._meta.concrete_fields
                  if f.get_internal_type() in ("DateTimeField", "DateField")]
        for row in model.objects.using(schema_editor.connection.alias).only(*fields).iterator():
            model.objects.using(schema_editor.connection.alias).filter(pk=row.pk).update(
                **{f: getattr(row, f) for f in fields})


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0004_informed_steps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(check_values, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='accountseal',
            options={'verbose_name': '账号封签', 'verbose_name_plural': '账号封签'},
        ),
        migrations.AlterModelOptions(
            name='apitoken',
            options={'verbose_name': '命令行令牌', 'verbose_name_plural': '命令行令牌'},
        ),
        migrations.AlterModelOptions(
            name='attachment',
            options={'verbose_name': '附件', 'verbose_name_plural': '附件'},
        ),
        migrations.AlterModelOptions(
            name='auditentry',
            options={'verbose_name': '审计记录', 'verbose_name_plural': '审计记录'},
        ),
        migrations.AlterModelOptions(
            name='audithead',
            options={'verbose_name': '审计链头', 'verbose_name_plural': '审计链头'},
        ),
        migrations.AlterModelOptions(
            name='countystate',
            options={'verbose_name': '县区状态', 'verbose_name_plural': '县区状态'},
        ),
        migrations.AlterModelOptions(
            name='decision',
            options={'verbose_name': '评估结论', 'verbose_name_plural': '评估结论'},
        ),
        migrations.AlterModelOptions(
            name='listversion',
            options={'verbose_name': '清单版本', 'verbose_name_plural': '清单版本'},
        ),
        migrations.AlterModelOptions(
            name='meeting',
            options={'verbose_name': '会议审定', 'verbose_name_plural': '会议审定'},
        ),
        migrations.AlterModelOptions(
            name='opinion',
            options={'verbose_name': '街道意见', 'verbose_name_plural': '街道意见'},
        ),
        migrations.AlterModelOptions(
            name='proposal',
            options={'verbose_name': '准入申请', 'verbose_name_plural': '准入申请'},
        ),
        migrations.AlterModelOptions(
            name='rolebinding',
            options={'verbose_name': '角色', 'verbose_name_plural': '角色'},
        ),
        migrations.AlterModelOptions(
            name='stepnote',
            options={'verbose_name': '审核或审查意见', 'verbose_name_plural': '审核或审查意见'},
        ),
        migrations.AlterModelOptions(
            name='storemeta',
            options={'verbose_name': '数据库绑定信息', 'verbose_name_plural': '数据库绑定信息'},
        ),
        migrations.AlterModelOptions(
            name='submission',
            options={'verbose_name': '提交的申请稿', 'verbose_name_plural': '提交的申请稿'},
        ),
        migrations.AlterModelOptions(
            name='versionproposal',
            options={'verbose_name': '版本包含的申请', 'verbose_name_plural': '版本包含的申请'},
        ),
        migrations.AlterModelOptions(
            name='wholookup',
            options={'verbose_name': '诉求归属查询', 'verbose_name_plural': '诉求归属查询'},
        ),
        migrations.AlterField(
            model_name='accountseal',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='accountseal',
            name='digest',
            field=models.CharField(max_length=64, verbose_name='摘要'),
        ),
        migrations.AlterField(
            model_name='accountseal',
            name='must_change',
            field=models.BooleanField(default=False, verbose_name='须修改密码'),
        ),
        migrations.AlterField(
            model_name='accountseal',
            name='username',
            field=models.CharField(db_index=True, max_length=150, verbose_name='账号'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='created',
            field=models.DateTimeField(verbose_name='签发时间'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='digest',
            field=models.CharField(max_length=64, unique=True, verbose_name='摘要'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='hint',
            field=models.CharField(max_length=8, verbose_name='末位'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='revoked',
            field=models.DateTimeField(null=True, verbose_name='吊销时间'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_tokens', to=settings.AUTH_USER_MODEL, verbose_name='账号'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='content',
            field=models.BinaryField(verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='kind',
            field=models.CharField(max_length=10, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='name',
            field=models.CharField(max_length=200, verbose_name='文件名'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='note',
            field=models.ForeignKey(db_column='note', on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='store.stepnote', verbose_name='意见'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='sha256',
            field=models.CharField(max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='size',
            field=models.IntegerField(verbose_name='大小（字节）'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='account',
            field=models.CharField(max_length=150, verbose_name='账号'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(db_index=True, max_length=40, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='clock',
            field=models.CharField(choices=[('real', '系统时钟'), ('fixed', '演练时钟（DUTY_NOW）'), ('legacy', '旧版数据库')], max_length=10, verbose_name='时钟'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='detail',
            field=models.JSONField(verbose_name='详情'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(max_length=64, verbose_name='签名'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='prev',
            field=models.CharField(max_length=64, verbose_name='前一条签名'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='proposal',
            field=models.CharField(db_index=True, max_length=100, null=True, verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='record',
            field=models.CharField(max_length=64, verbose_name='申请记录摘要'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='role',
            field=models.CharField(max_length=100, verbose_name='角色'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='rows',
            field=models.CharField(max_length=64, verbose_name='写入数据摘要'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(primary_key=True, serialize=False, verbose_name='序号'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='state_after',
            field=models.CharField(max_length=40, null=True, verbose_name='新状态'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='state_before',
            field=models.CharField(max_length=40, null=True, verbose_name='原状态'),
        ),
        migrations.AlterField(
            model_name='audithead',
            name='mac',
            field=models.CharField(default='', max_length=64, verbose_name='最新签名'),
        ),
        migrations.AlterField(
            model_name='audithead',
            name='seq',
            field=models.BigIntegerField(default=0, verbose_name='最新序号'),
        ),
        migrations.AlterField(
            model_name='countystate',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='countystate',
            name='county_revision',
            field=models.CharField(max_length=64, verbose_name='县区数据版本'),
        ),
        migrations.AlterField(
            model_name='countystate',
            name='state',
            field=models.BinaryField(verbose_name='县区状态'),
        ),
        migrations.AlterField(
            model_name='countystate',
            name='version',
            field=models.ForeignKey(db_column='version', on_delete=django.db.models.deletion.PROTECT, related_name='county_states', to='store.listversion', verbose_name='清单版本'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='at',
            field=models.DateTimeField(verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='county_revision',
            field=models.CharField(max_length=64, verbose_name='县区数据版本'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='decision',
            field=models.TextField(verbose_name='评估结论（JSON）'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='item',
            field=models.TextField(verbose_name='事项（JSON）'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='policy_hash',
            field=models.CharField(max_length=100, verbose_name='政策包摘要'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='policy_id',
            field=models.CharField(max_length=100, verbose_name='政策包'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='policy_version',
            field=models.CharField(max_length=40, verbose_name='政策包版本'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='stage',
            field=models.CharField(choices=[('review', '审核时'), ('decision', '审定时'), ('publication', '公布时')], max_length=20, verbose_name='评估时点'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='verdict',
            field=models.CharField(choices=[('admitted', '准入'), ('admitted_with_conditions', '附条件准入'), ('deferred', '暂缓'), ('returned', '退回补正'), ('rejected', '不予准入'), ('not_applicable', '不适用')], max_length=40, verbose_name='结论'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='at',
            field=models.DateTimeField(verbose_name='公布时间'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='county_revision',
            field=models.CharField(max_length=64, verbose_name='县区数据版本'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='lists',
            field=models.BinaryField(verbose_name='清单'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='names',
            field=models.JSONField(verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='listversion',
            name='number',
            field=models.IntegerField(primary_key=True, serialize=False, verbose_name='版本号'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='actor',
            field=models.CharField(max_length=150, verbose_name='记录人'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='at',
            field=models.DateTimeField(verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='outcome',
            field=models.CharField(choices=[('admit', '准入'), ('reject', '不予准入'), ('provisional', '突发事件临时准入')], max_length=20, verbose_name='审定结果'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='ref',
            field=models.TextField(null=True, verbose_name='会议'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='actor',
            field=models.CharField(max_length=150, verbose_name='反馈人'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='at',
            field=models.DateTimeField(verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='note',
            field=models.TextField(null=True, verbose_name='说明'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='opinion',
            field=models.CharField(choices=[('agree', '同意'), ('agree_with_conditions', '有条件同意'), ('object', '不同意')], max_length=30, verbose_name='意见'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='opinions', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='opinion',
            name='street',
            field=models.CharField(max_length=100, verbose_name='街道'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='applicant',
            field=models.CharField(max_length=120, verbose_name='申请方'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='change',
            field=models.CharField(choices=[('admit', '准入'), ('recall', '收回'), ('revise', '动态调整')], default='admit', max_length=20, verbose_name='申请类型'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='created',
            field=models.DateTimeField(verbose_name='创建时间'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='department',
            field=models.CharField(max_length=100, verbose_name='部门'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='document',
            field=models.JSONField(verbose_name='申请内容'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='due',
            field=models.DateField(null=True, verbose_name='当前环节期限'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='due_estimated',
            field=models.BooleanField(default=False, verbose_name='期限为估算'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='id',
            field=models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name='编号'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='legal',
            field=models.CharField(choices=[('pending', '尚未审查'), ('passed', '通过'), ('failed', '未通过')], default='pending', max_length=20, verbose_name='合法性审查'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='revision',
            field=models.IntegerField(verbose_name='修订次数'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='state',
            field=models.CharField(db_index=True, max_length=40, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='state_since',
            field=models.DateTimeField(verbose_name='进入当前状态'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='streets',
            field=models.JSONField(verbose_name='目标街道'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='title',
            field=models.TextField(verbose_name='标题'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='urgency',
            field=models.CharField(choices=[('normal', '一般'), ('temporary', '临时性任务'), ('emergency', '突发事件')], max_length=20, verbose_name='紧急程度'),
        ),
        migrations.AlterField(
            model_name='rolebinding',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='rolebinding',
            name='county',
            field=models.CharField(max_length=200, verbose_name='县区'),
        ),
        migrations.AlterField(
            model_name='rolebinding',
            name='role',
            field=models.CharField(max_length=120, verbose_name='角色'),
        ),
        migrations.AlterField(
            model_name='rolebinding',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_roles', to=settings.AUTH_USER_MODEL, verbose_name='账号'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='action',
            field=models.CharField(max_length=40, verbose_name='环节'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='actor',
            field=models.CharField(max_length=150, verbose_name='填写人'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='at',
            field=models.DateTimeField(verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='basis',
            field=models.TextField(verbose_name='依据'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='notes', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='revision',
            field=models.IntegerField(verbose_name='修订次数'),
        ),
        migrations.AlterField(
            model_name='stepnote',
            name='text',
            field=models.TextField(verbose_name='意见'),
        ),
        migrations.AlterField(
            model_name='storemeta',
            name='key',
            field=models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='项'),
        ),
        migrations.AlterField(
            model_name='storemeta',
            name='value',
            field=models.TextField(verbose_name='值'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='at',
            field=models.DateTimeField(verbose_name='提交时间'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='document',
            field=models.JSONField(verbose_name='申请内容'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='revision',
            field=models.IntegerField(verbose_name='修订次数'),
        ),
        migrations.AlterField(
            model_name='versionproposal',
            name='audit_seq',
            field=models.BigIntegerField(db_index=True, verbose_name='审计记录'),
        ),
        migrations.AlterField(
            model_name='versionproposal',
            name='position',
            field=models.IntegerField(verbose_name='顺序'),
        ),
        migrations.AlterField(
            model_name='versionproposal',
            name='proposal',
            field=models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='store.proposal', verbose_name='申请'),
        ),
        migrations.AlterField(
            model_name='versionproposal',
            name='version',
            field=models.ForeignKey(db_column='version', on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='store.listversion', verbose_name='清单版本'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='account',
            field=models.CharField(max_length=150, verbose_name='账号'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='at',
            field=models.DateTimeField(verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='department',
            field=models.CharField(db_index=True, max_length=100, null=True, verbose_name='首选部门'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='item',
            field=models.CharField(db_index=True, max_length=100, null=True, verbose_name='首选事项'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='role',
            field=models.CharField(max_length=100, verbose_name='角色'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='street',
            field=models.CharField(db_index=True, max_length=100, verbose_name='街道'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='ticket',
            field=models.CharField(max_length=40, verbose_name='工单编号'),
        ),
        migrations.AlterField(
            model_name='wholookup',
            name='version',
            field=models.IntegerField(verbose_name='清单版本'),
        ),
        migrations.RunPython(store_times, migrations.RunPython.noop),
    ]
