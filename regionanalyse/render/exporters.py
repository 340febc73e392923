"""nbconvert exporters for vedlegg HTML and PDF."""

from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import default

from .pdf import html_to_pdf

TEMPLATE_DIR = Path(__file__).parent / "templates"


class VedleggHTMLExporter(HTMLExporter):
    """Self-contained, prompt-free HTML without code, for publication."""

    export_from_notebook = "Vedlegg HTML"
    drop_tag = "pdf-only"

    @default("template_name")
    def _default_template_name(self):
        return "vedlegg"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATE_DIR)]

    @default("exclude_input")
    def _default_exclude_input(self):
        return True

    @default("exclude_input_prompt")
    def _default_exclude_input_prompt(self):
        return True

    @default("exclude_output_prompt")
    def _default_exclude_output_prompt(self):
        return True

    @default("exclude_anchor_links")
    def _default_exclude_anchor_links(self):
        return True

    @default("embed_images")
    def _default_embed_images(self):
        return True

    @default("optimistic_validation")
    def _default_optimistic_validation(self):
        return True  # validate the notebook once, after all preprocessors, not after each

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={"hide", self.drop_tag}, enabled=True)
        )

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert, taking the title block from resources or notebook metadata.

        As HTMLExporter.from_notebook_node without its last step, a BeautifulSoup pass over
        the whole page (a third of the export's time, on pages of ~1 MB with the map) that
        only adds an English placeholder alt text to images without one and tabindex to
        JupyterLab's own layout; our pages have neither (every image's alt text is written
        from the data, and the statement's HTML check fails a page without one).
        """
        resources = dict(resources or {})
        resources.setdefault("vedlegg", title_block(nb, resources))
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


class VedleggPDFExporter(VedleggHTMLExporter):
    """A4 PDF of the vedlegg HTML, rendered offline with WeasyPrint."""

    export_from_notebook = "Vedlegg PDF"
    drop_tag = "html-only"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self):
        return ".html.j2"

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert to PDF bytes."""
        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html), resources


def title_block(nb, resources):
    """Title, subtitle, date and source note from nb.metadata['regionanalyse']."""
    meta = nb.metadata.get("regionanalyse", {})
    name = resources.get("metadata", {}).get("name", "")
    return {
        "title": meta.get("title") or name,
        "subtitle": meta.get("subtitle", ""),
        "date": meta.get("date", ""),
        "source_note": meta.get("source_note"),
    }
