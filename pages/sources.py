"""Every published figure with its source, the reconciliation with the warehouse, the method."""

import streamlit as st

from lib import tables
from lib.formatting import format_number
from lib.i18n import t
from lib.ui import blocks
from lib.warehouse import queries

lang = blocks.start_page()
figures = queries.published_figures()
reconciliation = queries.reconciliation()
provenance = queries.record_provenance()
demo = bool(provenance["demo"].sum() > 0)
region_names = queries.names("region", lang)

blocks.page_header(t("sources.title"), t("sources.intro"), demo=demo)

blocks.section(t("sources.published"))
indicator = st.selectbox(
    t("sources.indicator_filter"),
    ["", *sorted(figures["indicator"].unique())],
    format_func=lambda code: t(f"indicator.{code}") if code else t("sources.all"),
    key="source_indicator",
)
shown = figures if not indicator else figures[figures["indicator"] == indicator]
table = tables.figure_table(shown, region_names)
# Rows tall enough for a quote or a note to wrap on three lines instead of being cut.
blocks.dataframe(table, t("sources.published"), blocks.source_column_config(), row_height=72)
blocks.download(table, t("sources.published"), "published")

blocks.section(t("sources.reconciliation"))
st.caption(t("sources.reconciliation_intro"))
matched = int(reconciliation["matches"].sum())
total = format_number(len(reconciliation), lang)
st.metric(t("sources.matched"), f"{format_number(matched, lang)} / {total}", border=True)
recon_table = tables.reconciliation_table(reconciliation, region_names)
blocks.dataframe(recon_table, t("sources.reconciliation"), blocks.source_column_config())
blocks.download(recon_table, t("sources.reconciliation"), "reconciliation")

blocks.section(t("sources.demo_title"))
st.markdown(t("sources.demo_text") if demo else t("sources.real_text"))
blocks.dataframe(tables.provenance_table(provenance), t("sources.demo_title"))
blocks.section(t("sources.method_title"))
st.markdown(t("sources.method_text"))
