"""The store's models move to apps by domain (``admission``, ``publication``, ``accounts``);
``store`` keeps the record itself (its binding, the audit chain and its head). The tables
keep their names and rows, so only Django's state changes here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('admission', '0001_initial'),
        ('publication', '0001_initial'),
        ('accounts', '0001_initial'),
        ('store', '0006_record_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='AccountSeal',
            ),
            migrations.RemoveField(
                model_name='apitoken',
                name='user',
            ),
            migrations.RemoveField(
                model_name='attachment',
                name='note',
            ),
            migrations.RemoveField(
                model_name='attachment',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='countystate',
                name='version',
            ),
            migrations.RemoveField(
                model_name='decisionrecord',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='versionproposal',
                name='version',
            ),
            migrations.RemoveField(
                model_name='meetingrecord',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='opinionrecord',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='submission',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='stepnoterecord',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='versionproposal',
                name='proposal',
            ),
            migrations.RemoveField(
                model_name='rolebinding',
                name='user',
            ),
            migrations.DeleteModel(
                name='WhoLookup',
            ),
            migrations.DeleteModel(
                name='ApiToken',
            ),
            migrations.DeleteModel(
                name='Attachment',
            ),
            migrations.DeleteModel(
                name='CountyState',
            ),
            migrations.DeleteModel(
                name='DecisionRecord',
            ),
            migrations.DeleteModel(
                name='ListVersion',
            ),
            migrations.DeleteModel(
                name='MeetingRecord',
            ),
            migrations.DeleteModel(
                name='OpinionRecord',
            ),
            migrations.DeleteModel(
                name='Submission',
            ),
            migrations.DeleteModel(
                name='StepNoteRecord',
            ),
            migrations.DeleteModel(
                name='ProposalRecord',
            ),
            migrations.DeleteModel(
                name='VersionProposal',
            ),
            migrations.DeleteModel(
                name='RoleBinding',
            ),
        ]),
    ]
