"""The composer's form: a post's text (rich text), an image (Wagtail's chooser), an embed URL.

It edits what the page editor's "Live post" block holds, with the same widgets and
the same checks, for posts of at most one block of each kind.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.widgets import AdminImageChooser

from ..live.blocks import ContentBlock
from ..live.versions import post_version

KINDS = ("text", "image", "embed")


class ComposerForm(forms.Form):
    text = forms.CharField(label=_("Text"), required=False)
    image = forms.ModelChoiceField(
        label=_("Image"), queryset=None, required=False, widget=AdminImageChooser
    )
    embed = forms.URLField(
        label=_("Embed URL"),
        required=False,
        assume_scheme="https",
        help_text=_("A video, a social media post or any other page that can be embedded."),
    )
    # The version of the post the editor opened (editing only): a post changed since
    # by someone else is still replaced, and the editor is told.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rich text editor of the post block's "Text", with its features.
        self.fields["text"].widget = ContentBlock().child_blocks["text"].field.widget
        self.fields["image"].queryset = get_image_model().objects.all()

    def clean_embed(self):
        url = self.cleaned_data["embed"]
        if url:
            block = EmbedBlock(required=False)
            block.clean(block.to_python(url))  # as the page editor checks it: can it embed?
        return url

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.content():
            raise ValidationError(_("Write some text, or choose an image or an embed URL."))
        return cleaned

    def content(self) -> list[dict]:
        """The post's content blocks, in their raw (stream JSON) form."""
        blocks = []
        text = self.cleaned_data.get("text") or ""
        if strip_tags(text).strip():
            blocks.append({"type": "text", "value": text})
        if self.cleaned_data.get("image"):
            blocks.append({"type": "image", "value": self.cleaned_data["image"].pk})
        if self.cleaned_data.get("embed"):
            blocks.append({"type": "embed", "value": self.cleaned_data["embed"]})
        return blocks


def editable(item: dict) -> bool:
    """Whether the composer can edit this raw post: one block of each kind at most."""
    kinds = [block.get("type") for block in item["value"].get("content") or []]
    return all(kind in KINDS for kind in kinds) and len(kinds) == len(set(kinds))


def initial_for(item: dict) -> dict:
    """The composer form's initial data for a raw post (see ``editable``)."""
    initial = {"version": post_version(item)}
    for block in item["value"].get("content") or []:
        initial[block["type"]] = block["value"]
    return initial
