"""Accounts under the keyed record: the seal table. A store made before it keeps its audit
chain as it was; its accounts are sealed by the first command that writes to it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0002_who_lookup"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountSeal",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("username", models.CharField(db_index=True, max_length=150)),
                ("digest", models.CharField(max_length=64)),
                ("must_change", models.BooleanField(default=False)),
                ("audit_seq", models.BigIntegerField(db_index=True)),
            ],
            options={"db_table": "duty_account_seal"},
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(db_index=True, max_length=40),
        ),
    ]
