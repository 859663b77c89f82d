from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="WhoLookup",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("at", models.CharField(max_length=40)),
                ("account", models.CharField(max_length=150)),
                ("role", models.CharField(max_length=100)),
                ("ticket", models.CharField(max_length=40)),
                ("street", models.CharField(db_index=True, max_length=100)),
                ("version", models.IntegerField()),
                ("item", models.CharField(db_index=True, max_length=100, null=True)),
                ("department", models.CharField(db_index=True, max_length=100, null=True)),
            ],
            options={"db_table": "duty_who_lookup"},
        ),
    ]
