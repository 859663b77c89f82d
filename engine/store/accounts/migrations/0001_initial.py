"""Roles, tokens and account seals move from the app ``store`` to this app: their tables were
made by ``store``'s migrations and keep their names, so only Django's state changes here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('store', '0006_record_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='AccountSeal',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('username', models.CharField(db_index=True, max_length=150, verbose_name='账号')),
                    ('digest', models.CharField(max_length=64, verbose_name='摘要')),
                    ('must_change', models.BooleanField(default=False, verbose_name='须修改密码')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                ],
                options={
                    'verbose_name': '账号封签',
                    'verbose_name_plural': '账号封签',
                    'db_table': 'duty_account_seal',
                },
            ),
            migrations.CreateModel(
                name='ApiToken',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('digest', models.CharField(max_length=64, unique=True, verbose_name='摘要')),
                    ('hint', models.CharField(max_length=8, verbose_name='末位')),
                    ('created', models.DateTimeField(verbose_name='签发时间')),
                    ('revoked', models.DateTimeField(null=True, verbose_name='吊销时间')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_tokens', to=settings.AUTH_USER_MODEL, verbose_name='账号')),
                ],
                options={
                    'verbose_name': '命令行令牌',
                    'verbose_name_plural': '命令行令牌',
                    'db_table': 'duty_api_token',
                },
            ),
            migrations.CreateModel(
                name='RoleBinding',
                fields=[
                    ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                    ('county', models.CharField(max_length=200, verbose_name='县区')),
                    ('role', models.CharField(max_length=120, verbose_name='角色')),
                    ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_roles', to=settings.AUTH_USER_MODEL, verbose_name='账号')),
                ],
                options={
                    'verbose_name': '角色',
                    'verbose_name_plural': '角色',
                    'db_table': 'duty_role_binding',
                    'constraints': [models.UniqueConstraint(fields=('user', 'county', 'role'), name='one_binding_per_role')],
                },
            ),
        ]),
    ]
