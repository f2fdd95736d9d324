"""Public statistics: published figures and disclosure-controlled tables, from data/public only."""

import streamlit as st

from lib.formatting import isolated
from lib.i18n import is_reviewed, t
from lib.public import snapshot, view
from lib.ui import blocks, public
from lib.ui.text import escaped

lang = blocks.start_page()
if not snapshot.available():
    blocks.page_header(t("public.title"))
    st.warning(t("public.missing"))
    st.stop()

metadata = snapshot.metadata()
notes = view.notes(metadata, lang)
demo = metadata.get("demo") == "True"
blocks.page_header(t("public.title"), t("public.intro"), demo=demo)
if not is_reviewed(lang):  # Tamazight, until a qualified translator has confirmed it
    st.caption(t("public.unreviewed"))
stale = view.stale_notice(snapshot.status(), metadata, lang)
if stale:
    st.warning(stale, icon=":material/update_disabled:")
if demo:
    st.caption(notes["demo"])

shown = public.public_view(snapshot.version(), lang)
blocks.section(t("public.headline"))
cards = shown["cards"]
for row in range(0, len(cards), 3):
    for column, card in zip(st.columns(3), cards[row : row + 3], strict=False):
        with column:
            blocks.metric(escaped(card.label), card.value)
            source = escaped(card.source)
            if card.source_title:  # the source's name set apart inside an Arabic sentence
                title = isolated(escaped(card.source_title), lang)
                source = t("public.source_line", source=title, date=card.source_date)
            st.caption(source)

blocks.section(t("public.trends"))
for column, figure in zip(st.columns(2), shown["trends"], strict=True):
    with column:
        st.plotly_chart(figure, config=blocks.PLOTLY_CONFIG)

blocks.section(t("public.regions_section"))
year = public.public_year(shown["years"])
regions_shown = public.regions_view(snapshot.version(), lang, year)
left, right = st.columns(2)
with left:
    # The map's legend names each colour.
    st.plotly_chart(regions_shown["map"], config=blocks.PLOTLY_CONFIG)
with right:
    blocks.dataframe(regions_shown["table"], t("public.regions_title", year=year))
    st.caption(notes["flags"])

blocks.section(t("public.placements_title"))
left, right = st.columns([3, 2])
left.plotly_chart(shown["placements"], config=blocks.PLOTLY_CONFIG)
with right:
    blocks.dataframe(shown["placements_table"], t("public.placements_title"))
    st.caption(notes["flags"])

blocks.section(t("public.interventions_title"))
left, right = st.columns([3, 2])
left.plotly_chart(shown["interventions"], config=blocks.PLOTLY_CONFIG)
with right:
    blocks.dataframe(shown["interventions_table"], t("public.interventions_title"))
    st.caption(notes["flags"])

# Outcomes 12 months on (issue 22): each cohort's national row, with its own method note.
blocks.section(t("public_outcomes.title"))
st.caption(t("public_outcomes.intro"))
for name, outcome_table in shown["outcomes"].items():
    title = t(f"public_outcomes.{name}_title")
    st.markdown(f"**{title}**")
    blocks.dataframe(outcome_table, title)
st.caption(notes["flags"])
st.markdown(t("public_outcomes.method", threshold=metadata.get("threshold", "")))

blocks.section(t("public.method_title"))
st.markdown(notes["method"])
if demo:
    st.markdown(t("public.demo_method"))

blocks.section(t("public.downloads"))
public.public_downloads(snapshot.TABLES)
blocks.section(t("public.sources"))
st.markdown(shown["sources"])
