"""Informed steps: each submission of a proposal kept (to show what a resubmission changed),
the office's review notes and the justice bureau's legal opinions, and their attachments.
Every row is covered by the audit entry that wrote it; a store made before has none."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0003_account_seal'),
    ]

    operations = [
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                ('proposal', models.CharField(db_index=True, max_length=100)),
                ('note', models.BigIntegerField(db_index=True)),
                ('name', models.CharField(max_length=200)),
                ('kind', models.CharField(max_length=10)),
                ('size', models.IntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('content', models.BinaryField()),
                ('audit_seq', models.BigIntegerField(db_index=True)),
            ],
            options={
                'verbose_name': '附件',
                'db_table': 'duty_attachment',
            },
        ),
        migrations.CreateModel(
            name='StepNote',
            fields=[
                ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                ('proposal', models.CharField(db_index=True, max_length=100)),
                ('action', models.CharField(max_length=40)),
                ('revision', models.IntegerField()),
                ('text', models.TextField()),
                ('basis', models.TextField()),
                ('at', models.CharField(max_length=40)),
                ('actor', models.CharField(max_length=150)),
                ('audit_seq', models.BigIntegerField(db_index=True)),
            ],
            options={
                'verbose_name': '审核或审查意见',
                'db_table': 'duty_step_note',
            },
        ),
        migrations.CreateModel(
            name='Submission',
            fields=[
                ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                ('proposal', models.CharField(db_index=True, max_length=100)),
                ('revision', models.IntegerField()),
                ('document', models.TextField()),
                ('at', models.CharField(max_length=40)),
                ('audit_seq', models.BigIntegerField(db_index=True)),
            ],
            options={
                'verbose_name': '提交的申请稿',
                'db_table': 'duty_submission',
            },
        ),
    ]
