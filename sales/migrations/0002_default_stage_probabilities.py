from django.db import migrations

DEFAULTS = {"new": 10, "contacted": 20, "qualified": 40, "proposal": 60, "won": 100, "lost": 0}


def create(apps, schema_editor):
    StageProbability = apps.get_model("sales", "StageProbability")
    for stage, probability in DEFAULTS.items():
        StageProbability.objects.get_or_create(stage=stage, defaults={"probability": probability})


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
