"""Streamlit side of the saved scenarios: save (and share), list, open, share or make private,
delete, compare side by side.

Who sees what is ``lib.simulator.scenarios`` (a scenario is private to its author and the
administrators until shared, once the warehouse holds real records); sharing is offered only
then, since while the app is open to all every scenario is everyone's.
"""

from __future__ import annotations

import streamlit as st

from lib.formatting import format_number
from lib.i18n import t
from lib.simulator import scenarios
from lib.simulator.inputs import ScenarioError
from lib.simulator.model import simulate
from lib.ui import blocks
from lib.ui import simulator as sim
from lib.ui.text import said

SAVED_NOTICE = "sim_saved_notice"  # the "saved" message, kept across the rerun that follows


def section(who: scenarios.Viewer, lang: str) -> None:
    """The saved scenarios this user may see, the form to save the current one, the comparison."""
    blocks.section(t("sim.saved_title"))
    _save_form(who)
    saved = scenarios.saved(who)
    if saved.empty:
        st.caption(t("sim.none_saved"))
        return
    for row in saved.to_dict(orient="records"):
        _row(row, who, lang)
    _compare(saved, lang)


def _save_form(who: scenarios.Viewer) -> None:
    with st.form("sim_save", clear_on_submit=False, border=False):
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        name = left.text_input(
            t("sim.name"),
            max_chars=scenarios.MAX_NAME_LENGTH,
            key="sim_name",
            placeholder=t("sim.name_placeholder"),
        )
        share = who.signed_in and left.checkbox(
            t("sim.share_on_save"), key="sim_share_on_save", help=t("sim.share_help")
        )
        left.caption(said("sim.saved_as", author=who.name))
        submitted = right.form_submit_button(t("sim.save"), icon=":material/save:")
    notice = st.session_state.pop(SAVED_NOTICE, None)
    if notice:
        st.success(notice)
    if submitted:
        _save(name, who, bool(share))


def _save(name: str, who: scenarios.Viewer, share: bool) -> None:
    """Save the scenario on screen; then rerun, so that its link becomes the short one."""
    current = st.session_state.get("sim_current")
    if not name.strip() or current is None:
        st.error(t("sim.name_required"))
        return
    saved_id = scenarios.save(name, who.name, *current, share=share)
    sim.mark_opened(saved_id, current[0])
    st.session_state[SAVED_NOTICE] = said("sim.saved_ok", name=name.strip())
    st.rerun()


def _row(row: dict, who: scenarios.Viewer, lang: str) -> None:
    """One saved scenario: what it is, and open / share / delete as this user may."""
    left, *buttons = st.columns([5, 1, 1, 1], vertical_alignment="center")
    line = said(
        "sim.saved_line",
        name=row["name"],
        author=row["author"],
        date=row["created_at"].strftime("%Y-%m-%d %H:%M"),
        people=format_number(row["results"]["beneficiaries"], lang),
    )
    if who.signed_in:  # sharing means something only when scenarios can be private
        line += " — " + t("sim.status_shared" if row["shared"] else "sim.status_private")
    left.markdown(line)
    scenario_id = int(row["scenario_id"])
    buttons[0].button(
        t("sim.open"),
        key=f"open_{scenario_id}",
        on_click=sim.open_saved,
        args=(scenario_id, row["inputs"]),
        icon=":material/file_open:",
    )
    if not (who.admin or row["author"] == who.name):
        return
    if who.signed_in:
        buttons[1].button(
            t("sim.make_private" if row["shared"] else "sim.make_shared"),
            key=f"share_{scenario_id}",
            on_click=scenarios.set_shared,
            args=(scenario_id, not row["shared"], who.name, who.admin),
            icon=":material/lock:" if row["shared"] else ":material/group:",
        )
    if buttons[2].button(t("sim.delete"), key=f"delete_{scenario_id}", icon=":material/delete:"):
        scenarios.delete(scenario_id, who.name, who.admin)
        st.rerun()


def _compare(saved, lang: str) -> None:
    """Up to three saved scenarios side by side, each simulated again on today's data."""
    labels = scenarios.labels(saved)
    chosen = st.multiselect(
        t("sim.compare"),
        list(labels),
        format_func=labels.get,
        max_selections=scenarios.MAX_COMPARED,
        key="sim_compare",
        placeholder=t("sim.compare_placeholder"),
        select_all=False,  # its label is English only, and three are the most compared
    )
    if not chosen:
        return
    compared = {}
    for row in saved[saved["scenario_id"].isin(chosen)].to_dict(orient="records"):
        year = int(row["inputs"]["year"])
        try:
            inputs = scenarios.inputs_of(row["inputs"], sim.defaults_for(year))
            compared[labels[row["scenario_id"]]] = simulate(
                inputs, scenarios.reference_frame(year), scenarios.regions_frame()
            )
        except ScenarioError as error:  # saved against data that has changed since
            st.warning(t("sim.bad_saved", reason=sim.say(error)), icon=":material/warning:")
    if not compared:
        return
    side_by_side = scenarios.comparison_table(compared, lang)
    aligned = {name: st.column_config.TextColumn(alignment="right") for name in compared}
    blocks.dataframe(
        side_by_side.rename_axis(t("sim.figure")).reset_index(), t("sim.compare"), aligned
    )
