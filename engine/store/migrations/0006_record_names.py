"""The models of a proposal's record are named apart from the engine's own models of the same
things (a proposal, a decision, an opinion, a meeting, a step's note): only names change; the
tables keep their names (Django renames the models' content types)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0005_typed_records"),
        # renaming a model renames its content type: with this, that step sees the content
        # types' table as it is (without the column their first migration had)
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameModel("Proposal", "ProposalRecord"),
        migrations.RenameModel("Decision", "DecisionRecord"),
        migrations.RenameModel("Opinion", "OpinionRecord"),
        migrations.RenameModel("Meeting", "MeetingRecord"),
        migrations.RenameModel("StepNote", "StepNoteRecord"),
    ]
