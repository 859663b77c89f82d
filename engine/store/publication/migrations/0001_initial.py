"""The published lists move from the app ``store`` to this app: their tables were made by
``store``'s migrations and keep their names, so only Django's state changes here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('store', '0006_record_names'),
        ('admission', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='ListVersion',
                fields=[
                    ('number', models.IntegerField(primary_key=True, serialize=False, verbose_name='版本号')),
                    ('at', models.DateTimeField(verbose_name='公布时间')),
                    ('lists', models.BinaryField(verbose_name='清单')),
                    ('names', models.JSONField(verbose_name='名称')),
                    ('county_revision', models.CharField(max_length=64, verbose_name='县区数据版本')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                ],
                options={
                    'verbose_name': '清单版本',
                    'verbose_name_plural': '清单版本',
                    'db_table': 'duty_version',
                },
            ),
            migrations.CreateModel(
                name='WhoLookup',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('at', models.DateTimeField(verbose_name='时间')),
                    ('account', models.CharField(max_length=150, verbose_name='账号')),
                    ('role', models.CharField(max_length=100, verbose_name='角色')),
                    ('ticket', models.CharField(max_length=40, verbose_name='工单编号')),
                    ('street', models.CharField(db_index=True, max_length=100, verbose_name='街道')),
                    ('version', models.IntegerField(verbose_name='清单版本')),
                    ('item', models.CharField(db_index=True, max_length=100, null=True, verbose_name='首选事项')),
                    ('department', models.CharField(db_index=True, max_length=100, null=True, verbose_name='首选部门')),
                ],
                options={
                    'verbose_name': '诉求归属查询',
                    'verbose_name_plural': '诉求归属查询',
                    'db_table': 'duty_who_lookup',
                },
            ),
            migrations.CreateModel(
                name='CountyState',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('county_revision', models.CharField(max_length=64, verbose_name='县区数据版本')),
                    ('state', models.BinaryField(verbose_name='县区状态')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('version', models.ForeignKey(db_column='version', on_delete=django.db.models.deletion.PROTECT, related_name='county_states', to='publication.listversion', verbose_name='清单版本')),
                ],
                options={
                    'verbose_name': '县区状态',
                    'verbose_name_plural': '县区状态',
                    'db_table': 'duty_county_state',
                    'constraints': [models.UniqueConstraint(fields=('version', 'county_revision'), name='one_state_per_version_and_county')],
                },
            ),
            migrations.CreateModel(
                name='VersionProposal',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.IntegerField(verbose_name='顺序')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('proposal', models.ForeignKey(db_column='proposal', on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='admission.proposalrecord', verbose_name='申请')),
                    ('version', models.ForeignKey(db_column='version', on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='publication.listversion', verbose_name='清单版本')),
                ],
                options={
                    'verbose_name': '版本包含的申请',
                    'verbose_name_plural': '版本包含的申请',
                    'db_table': 'duty_version_proposal',
                    'constraints': [models.UniqueConstraint(fields=('version', 'proposal'), name='one_proposal_per_version')],
                },
            ),
        ]),
    ]
