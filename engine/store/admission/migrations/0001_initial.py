"""The proposal's record moves from the app ``store`` to this app: its tables were made by
``store``'s migrations and keep their names, so only Django's state changes here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('store', '0006_record_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='ProposalRecord',
                fields=[
                    ('id', models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name='编号')),
                    ('department', models.CharField(max_length=100, verbose_name='部门')),
                    ('title', models.TextField(verbose_name='标题')),
                    ('state', models.CharField(db_index=True, max_length=40, verbose_name='状态')),
                    ('revision', models.IntegerField(verbose_name='修订次数')),
                    ('document', models.JSONField(verbose_name='申请内容')),
                    ('streets', models.JSONField(verbose_name='目标街道')),
                    ('urgency', models.CharField(choices=[('normal', '一般'), ('temporary', '临时性任务'), ('emergency', '突发事件')], max_length=20, verbose_name='紧急程度')),
                    ('legal', models.CharField(choices=[('pending', '尚未审查'), ('passed', '通过'), ('failed', '未通过')], default='pending', max_length=20, verbose_name='合法性审查')),
                    ('state_since', models.DateTimeField(verbose_name='进入当前状态')),
                    ('due', models.DateField(null=True, verbose_name='当前环节期限')),
                    ('due_estimated', models.BooleanField(default=False, verbose_name='期限为估算')),
                    ('created', models.DateTimeField(verbose_name='创建时间')),
                    ('change', models.CharField(choices=[('admit', '准入'), ('recall', '收回'), ('revise', '动态调整')], default='admit', max_length=20, verbose_name='申请类型')),
                    ('applicant', models.CharField(max_length=120, verbose_name='申请方')),
                ],
                options={
                    'verbose_name': '准入申请',
                    'verbose_name_plural': '准入申请',
                    'db_table': 'duty_proposal',
                },
            ),
            migrations.CreateModel(
                name='OpinionRecord',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('street', models.CharField(max_length=100, verbose_name='街道')),
                    ('opinion', models.CharField(choices=[('agree', '同意'), ('agree_with_conditions', '有条件同意'), ('object', '不同意')], max_length=30, verbose_name='意见')),
                    ('note', models.TextField(null=True, verbose_name='说明')),
                    ('at', models.DateTimeField(verbose_name='时间')),
                    ('actor', models.CharField(max_length=150, verbose_name='反馈人')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='opinions', to='admission.proposalrecord', verbose_name='申请')),
                ],
                options={
                    'verbose_name': '街道意见',
                    'verbose_name_plural': '街道意见',
                    'db_table': 'duty_opinion',
                },
            ),
            migrations.CreateModel(
                name='MeetingRecord',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('ref', models.TextField(null=True, verbose_name='会议')),
                    ('outcome', models.CharField(choices=[('admit', '准入'), ('reject', '不予准入'), ('provisional', '突发事件临时准入')], max_length=20, verbose_name='审定结果')),
                    ('at', models.DateTimeField(verbose_name='时间')),
                    ('actor', models.CharField(max_length=150, verbose_name='记录人')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='admission.proposalrecord', verbose_name='申请')),
                ],
                options={
                    'verbose_name': '会议审定',
                    'verbose_name_plural': '会议审定',
                    'db_table': 'duty_meeting',
                },
            ),
            migrations.CreateModel(
                name='DecisionRecord',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('stage', models.CharField(choices=[('review', '审核时'), ('decision', '审定时'), ('publication', '公布时')], max_length=20, verbose_name='评估时点')),
                    ('at', models.DateTimeField(verbose_name='时间')),
                    ('verdict', models.CharField(choices=[('admitted', '准入'), ('admitted_with_conditions', '附条件准入'), ('deferred', '暂缓'), ('returned', '退回补正'), ('rejected', '不予准入'), ('not_applicable', '不适用')], max_length=40, verbose_name='结论')),
                    ('policy_id', models.CharField(max_length=100, verbose_name='政策包')),
                    ('policy_version', models.CharField(max_length=40, verbose_name='政策包版本')),
                    ('policy_hash', models.CharField(max_length=100, verbose_name='政策包摘要')),
                    ('county_revision', models.CharField(max_length=64, verbose_name='县区数据版本')),
                    ('decision', models.TextField(verbose_name='评估结论（JSON）')),
                    ('item', models.TextField(verbose_name='事项（JSON）')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='admission.proposalrecord', verbose_name='申请')),
                ],
                options={
                    'verbose_name': '评估结论',
                    'verbose_name_plural': '评估结论',
                    'db_table': 'duty_decision',
                },
            ),
            migrations.CreateModel(
                name='StepNoteRecord',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('action', models.CharField(max_length=40, verbose_name='环节')),
                    ('revision', models.IntegerField(verbose_name='修订次数')),
                    ('text', models.TextField(verbose_name='意见')),
                    ('basis', models.TextField(verbose_name='依据')),
                    ('at', models.DateTimeField(verbose_name='时间')),
                    ('actor', models.CharField(max_length=150, verbose_name='填写人')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='notes', to='admission.proposalrecord', verbose_name='申请')),
                ],
                options={
                    'verbose_name': '审核或审查意见',
                    'verbose_name_plural': '审核或审查意见',
                    'db_table': 'duty_step_note',
                },
            ),
            migrations.CreateModel(
                name='Attachment',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('name', models.CharField(max_length=200, verbose_name='文件名')),
                    ('kind', models.CharField(max_length=10, verbose_name='类型')),
                    ('size', models.IntegerField(verbose_name='大小（字节）')),
                    ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                    ('content', models.BinaryField(verbose_name='内容')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='admission.proposalrecord', verbose_name='申请')),
                    ('note', models.ForeignKey(db_column='note', on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='admission.stepnoterecord', verbose_name='意见')),
                ],
                options={
                    'verbose_name': '附件',
                    'verbose_name_plural': '附件',
                    'db_table': 'duty_attachment',
                },
            ),
            migrations.CreateModel(
                name='Submission',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('revision', models.IntegerField(verbose_name='修订次数')),
                    ('document', models.JSONField(verbose_name='申请内容')),
                    ('at', models.DateTimeField(verbose_name='提交时间')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='admission.proposalrecord', verbose_name='申请')),
                ],
                options={
                    'verbose_name': '提交的申请稿',
                    'verbose_name_plural': '提交的申请稿',
                    'db_table': 'duty_submission',
                },
            ),
        ]),
    ]
