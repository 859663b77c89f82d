"""Versions keep what changed since the version before (``duty_version_part``).

The lists a version kept whole move to ``duty_version_whole``, and the version's row keeps
their digest in the column that held them: ``sha256:`` and the SHA-256 of the stored bytes,
the very text the audit digests serialised that column as, so every entry still verifies.
The next write command converts those lists into parts under an audit entry of its own
(``engine.workflow.versions.convert_whole``).
"""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def keep_whole(apps, schema_editor):
    """Each version's lists kept whole until converted; lists given back as JSON by the
    migration back (a version that kept its changes) become those changes again, under the
    entry that wrote them, as they were."""

    from engine.store import list_parts as lp

    alias = schema_editor.connection.alias
    version = apps.get_model("publication", "ListVersion")
    whole = apps.get_model("publication", "WholeLists")
    part = apps.get_model("publication", "ListPart")
    kept: dict = {}
    for number, seq in version.objects.using(alias).order_by("number").values_list(
            "number", "audit_seq"):
        blob = bytes(version.objects.using(alias).filter(number=number)
                     .values_list("old_lists", flat=True).get())
        version.objects.using(alias).filter(number=number).update(
            digest="sha256:" + hashlib.sha256(blob).hexdigest())
        if blob[:1] != b"{":
            whole.objects.using(alias).create(version_id=number, lists=blob)
            continue
        rows = list(lp.changes(kept, lp.split(lp.loads(blob))))
        for key, change in rows:
            kept.setdefault(key, []).append(change)
        part.objects.using(alias).bulk_create(
            part(key=f"{number}/{key}", version_id=number, part=key, change=change,
                 audit_seq=seq) for key, change in rows)


def whole_again(apps, schema_editor):
    """Back to whole lists: as kept whole, or the JSON the parts give back (uncompressed,
    whose digest the version's row holds), which ``keep_whole`` keeps whole again."""
    from engine.store import list_parts as lp

    alias = schema_editor.connection.alias
    version = apps.get_model("publication", "ListVersion")
    whole = apps.get_model("publication", "WholeLists")
    part = apps.get_model("publication", "ListPart")
    kept: dict = {}
    for number in version.objects.using(alias).order_by("number").values_list("number",
                                                                             flat=True):
        for key, change in part.objects.using(alias).filter(version=number) \
                .values_list("part", "change"):
            kept.setdefault(key, []).append(None if change is None else bytes(change))
        row = whole.objects.using(alias).filter(version=number).first()
        if row is not None:
            blob = bytes(row.lists)
        else:  # the JSON itself: the digest the version's row holds (and its entry covers)
            blob = lp.document(lambda key: lp.value(kept.get(key))).encode("utf-8")
        version.objects.using(alias).filter(number=number).update(old_lists=blob)


class Migration(migrations.Migration):

    dependencies = [
        ('publication', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='WholeLists',
            fields=[
                ('version', models.OneToOneField(db_column='version', on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='whole', serialize=False, to='publication.listversion', verbose_name='清单版本')),
                ('lists', models.BinaryField(verbose_name='清单')),
            ],
            options={
                'verbose_name': '整份保存的清单',
                'verbose_name_plural': '整份保存的清单',
                'db_table': 'duty_version_whole',
            },
        ),
        migrations.CreateModel(
            name='ListPart',
            fields=[
                ('key', models.CharField(max_length=140, primary_key=True, serialize=False, verbose_name='编号')),
                ('part', models.CharField(max_length=120, verbose_name='部分')),
                ('change', models.BinaryField(null=True, verbose_name='变化')),
                ('audit_seq', models.BigIntegerField(db_index=True, verbose_name='审计记录')),
                ('version', models.ForeignKey(db_column='version', on_delete=django.db.models.deletion.PROTECT, related_name='parts', to='publication.listversion', verbose_name='清单版本')),
            ],
            options={
                'verbose_name': '清单版本的变化',
                'verbose_name_plural': '清单版本的变化',
                'db_table': 'duty_version_part',
            },
        ),
        migrations.AddField(
            model_name='listversion',
            name='digest',
            field=models.CharField(db_column='lists_digest', max_length=71, null=True,
                                   verbose_name='清单摘要'),
        ),
        migrations.RenameField(
            model_name='listversion',
            old_name='lists',
            new_name='old_lists',
        ),
        migrations.AlterField(
            model_name='listversion',
            name='old_lists',
            field=models.BinaryField(db_column='lists_old', null=True, verbose_name='清单'),
        ),
        migrations.RunPython(keep_whole, whole_again),
        migrations.RemoveField(
            model_name='listversion',
            name='old_lists',
        ),
        migrations.AlterField(
            model_name='listversion',
            name='digest',
            field=models.CharField(db_column='lists', max_length=71, verbose_name='清单摘要'),
        ),
    ]
