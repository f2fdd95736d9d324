"""Every published figure with its source, the reconciliation with the warehouse, the method."""

import streamlit as st

from lib import tables
from lib.i18n import t
from lib.ui import blocks
from lib.warehouse import queries

lang = blocks.start_page()
figures = queries.published_figures()
reconciliation = queries.reconciliation()
provenance = queries.record_provenance()
demo = bool(provenance["demo"].sum() > 0)

blocks.page_header(t("sources.title"), t("sources.intro"), demo=demo)

st.subheader(t("sources.published"))
indicator = st.selectbox(
    t("sources.indicator_filter"),
    ["", *sorted(figures["indicator"].unique())],
    format_func=lambda code: t(f"indicator.{code}") if code else t("sources.all"),
    key="source_indicator",
)
shown = figures if not indicator else figures[figures["indicator"] == indicator]
table = tables.figure_table(shown)
st.dataframe(table, hide_index=True, column_config=blocks.source_column_config())
blocks.download(table, t("sources.published"), "published")

st.subheader(t("sources.reconciliation"))
st.caption(t("sources.reconciliation_intro"))
matched = int(reconciliation["matches"].sum())
st.metric(t("sources.matched"), f"{matched} / {len(reconciliation)}", border=True)
recon_table = tables.reconciliation_table(reconciliation)
st.dataframe(recon_table, hide_index=True, column_config=blocks.source_column_config())
blocks.download(recon_table, t("sources.reconciliation"), "reconciliation")

st.subheader(t("sources.demo_title"))
st.markdown(t("sources.demo_text") if demo else t("sources.real_text"))
st.dataframe(tables.provenance_table(provenance), hide_index=True)
st.subheader(t("sources.method_title"))
st.markdown(t("sources.method_text"))
