"""Every program that already had a description gets it as its published version 1 (the text
goes into the "goals" section, the training sites into "sites"), and a working copy equal to it,
so applicants keep reading exactly what they read before versions existed."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    ProgramDescription = apps.get_model("programs", "ProgramDescription")
    PublishedDescription = apps.get_model("programs", "PublishedDescription")
    now = timezone.now()
    published, drafts = [], []
    for program in Program.objects.exclude(description_en="", description_fr="").iterator():
        content = {
            "goals_en": program.description_en,
            "goals_fr": program.description_fr,
            "sites_en": program.sites,
            "sites_fr": program.sites,
            "training_language": program.language or "en",
        }
        published.append(
            PublishedDescription(
                program=program, version=1, approved_at=now, imported=True, **content
            )
        )
        drafts.append(
            ProgramDescription(program=program, state="published", published_version=1, **content)
        )
    PublishedDescription.objects.bulk_create(published, batch_size=500)
    ProgramDescription.objects.bulk_create(drafts, batch_size=500)


def backwards(apps, schema_editor):
    apps.get_model("programs", "PublishedDescription").objects.filter(imported=True).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_descriptions_and_reviewer_invitations")]

    operations = [migrations.RunPython(forwards, backwards)]
