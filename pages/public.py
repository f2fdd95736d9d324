"""Public statistics: published figures and disclosure-controlled tables, from data/public only."""

import streamlit as st

from lib.i18n import t
from lib.public import snapshot, view
from lib.ui import blocks, public
from lib.ui.text import escaped, link

lang = blocks.start_page()
if not snapshot.available():
    st.title(t("public.title"))
    st.warning(t("public.missing"))
    st.stop()

metadata = snapshot.metadata()
notes = view.notes(metadata, lang)
demo = metadata.get("demo") == "True"
blocks.page_header(t("public.title"), t("public.intro"), demo=demo)
stale = view.stale_notice(snapshot.status(), metadata, lang)
if stale:
    st.warning(stale, icon=":material/update_disabled:")
if demo:
    st.caption(notes["demo"])

st.subheader(t("public.headline"))
cards = view.headline_cards(snapshot.table("published_figures"), lang)
for row in range(0, len(cards), 3):
    for column, card in zip(st.columns(3), cards[row : row + 3], strict=False):
        with column:
            st.metric(escaped(card.label), card.value, border=True)
            st.caption(escaped(card.source))

st.subheader(t("public.trends"))
programme = snapshot.table("programme_by_year")
for column, figure in zip(
    st.columns(2), public.public_figures(snapshot.version(), lang, None)["trends"], strict=True
):
    with column:
        st.plotly_chart(figure, config=blocks.PLOTLY_CONFIG)

regions = snapshot.table("beneficiaries_by_region")
years = sorted(regions["year"].unique().tolist(), reverse=True)
year = public.public_year(years)
st.subheader(t("public.regions_title", year=year))
figures = public.public_figures(snapshot.version(), lang, year)
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(figures["map"], config=blocks.PLOTLY_CONFIG)
    st.caption(notes["map_legend"])
with right:
    st.dataframe(view.regions_table(regions, year, lang), hide_index=True, height=36 * 14 + 4)
    st.caption(notes["flags"])

st.subheader(t("public.placements_title"))
placements = snapshot.table("placements_by_sex")
left, right = st.columns([3, 2])
left.plotly_chart(figures["placements"], config=blocks.PLOTLY_CONFIG)
right.dataframe(view.placements_table(placements, lang), hide_index=True)
right.caption(notes["flags"])

st.subheader(t("public.interventions_title"))
types = snapshot.table("interventions_by_type")
left, right = st.columns([3, 2])
left.plotly_chart(figures["interventions"], config=blocks.PLOTLY_CONFIG)
right.dataframe(view.interventions_table(types, lang), hide_index=True)
right.caption(notes["flags"])

st.subheader(t("public.method_title"))
st.markdown(notes["method"])
if demo:
    st.markdown(t("public.demo_method"))

st.subheader(t("public.downloads"))
public.public_downloads(snapshot.TABLES)
st.subheader(t("public.sources"))
st.markdown(
    "\n".join(
        f"- {link(s['title'], s['url'])}" if s["url"] else f"- {escaped(s['title'])}"
        for s in view.sources(snapshot.table("published_figures"))
    )
)
