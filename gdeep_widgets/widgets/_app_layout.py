"""The widgets of the DecisionBoundaryApp and their layout (no behaviour)."""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..datasets import DATASETS
from ._app_controls import ARRAYS, DESCRIPTION_WIDTH, history_table_html, param_widget

__all__ = ["DOM_CLASSES", "AppLayout", "row"]

#: DOM class of each control the layout builds, by attribute name. Classes,
#: not data attributes: ipywidgets lets Python set only an element's classes.
DOM_CLASSES = {
    "dataset_select": "gdeep-dataset-select",
    "params_box": "gdeep-dataset-params",
    "n_epochs_input": "gdeep-n-epochs",
    "n_samples_input": "gdeep-flow-points",
    "flow_epochs_input": "gdeep-flow-epochs",
    "train_button": "gdeep-train-button",
    "stop_button": "gdeep-stop-button",
    "flow_button": "gdeep-flow-button",
    "progress": "gdeep-progress",
    "play": "gdeep-frame-play",
}

_TRACE_COLORS = {"train": "#0072B2", "valid": "#D55E00", "accuracy": "#009E73"}


def row(*children, **layout):
    return widgets.HBox(list(children), layout=widgets.Layout(**layout))


def _full(**kwargs):
    """Keyword arguments shared by the labelled inputs of the panels."""
    return {
        "style": {"description_width": DESCRIPTION_WIDTH},
        "layout": widgets.Layout(width="auto"),
        **kwargs,
    }


class AppLayout:
    """Builds the widgets of the app as attributes; the app wires them up.

    Left, a column of controls: the Data, Model and Flow tabs, then the
    buttons, the progress bar, the Play control and the status line; right,
    the viewer; below, the loss plot and the epoch table, which wrap under
    each other when the cell is narrow.

    The widgets that tests and page styles look for carry DOM classes (see
    :data:`DOM_CLASSES`, and ``gdeep-param-<name>`` on each dataset
    parameter); the app root has ``gdeep-app``, and the app adds ``gdeep-busy``
    and ``gdeep-job-train`` or ``gdeep-job-flow`` to it while a job runs. The
    status line's text sits in a ``gdeep-app-status`` element whose
    ``data-level`` is info, busy, warn or error.
    """

    def _build(self, choices, dataset, model_settings, flow_settings):
        self.viewer.layout = widgets.Layout(
            flex="1 1 auto", min_width="0", width="auto"
        )
        self.tabs = widgets.Tab(
            [
                self._build_data_panel(choices, dataset),
                self._build_model_panel(**model_settings),
                self._build_flow_panel(**flow_settings),
            ],
            titles=("Data", "Model", "Flow"),
            layout=widgets.Layout(width="auto"),
        )
        controls = widgets.VBox(
            [self.tabs, *self._build_actions()],
            layout=widgets.Layout(width="340px", flex="0 0 340px", margin="0 12px 0 0"),
        )
        self._build_training_view()
        self.children = [
            row(controls, self.viewer, width="100%", align_items="flex-start"),
            row(
                self.loss_box,
                self.epoch_table,
                width="100%",
                align_items="flex-start",
                flex_flow="row wrap",
                margin="8px 0 0 0",
            ),
        ]
        self.add_class("gdeep-app")
        for name, dom_class in DOM_CLASSES.items():
            getattr(self, name).add_class(dom_class)
        for params in self.dataset_params.values():
            for param, widget in params.items():
                widget.add_class(f"gdeep-param-{param.replace('_', '-')}")

    def _build_data_panel(self, choices, dataset):
        self.dataset_select = widgets.Dropdown(
            options=choices,
            value=dataset,
            description="Dataset",
            tooltip="The data to classify. The viewer shows it at once.",
            **_full(),
        )
        self.dataset_params = {
            name: {
                param: param_widget(param, *bounds)
                for param, bounds in spec.params.items()
            }
            for name, spec in DATASETS.items()
        }
        if self._user_data is not None:
            self.dataset_params[ARRAYS] = {}
        self.params_box = widgets.VBox(layout=widgets.Layout(width="auto"))
        self.data_info = widgets.HTML(layout=widgets.Layout(width="auto"))
        return widgets.VBox([self.dataset_select, self.params_box, self.data_info])

    def _build_model_panel(self, arch, n_epochs, learning_rate, batch_size):
        self.arch_text = widgets.Text(
            value=arch,
            description="Hidden layers",
            placeholder="e.g. 20, 20, 10",
            tooltip="Widths of the hidden layers, separated by commas. The input "
            "width is the number of features of the data, the output width its "
            "number of classes.",
            continuous_update=True,
            **_full(),
        )
        self.arch_info = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.n_epochs_input = widgets.BoundedIntText(
            value=n_epochs,
            min=1,
            max=10_000,
            description="Epochs",
            tooltip="Training epochs per click on Train; Train again continues.",
            **_full(),
        )
        self.learning_rate_input = widgets.BoundedFloatText(
            value=learning_rate,
            min=1e-6,
            max=10.0,
            step=1e-4,
            description="Learning rate",
            tooltip="Learning rate of the Adam optimizer.",
            **_full(),
        )
        self.batch_size_input = widgets.BoundedIntText(
            value=batch_size,
            min=1,
            max=1_000_000,
            description="Batch size",
            tooltip="Samples per optimizer step.",
            **_full(),
        )
        return widgets.VBox(
            [
                self.arch_text,
                self.arch_info,
                self.n_epochs_input,
                self.learning_rate_input,
                self.batch_size_input,
            ]
        )

    def _build_flow_panel(self, n_samples, method, flow_epochs, delta):
        self.n_samples_input = widgets.BoundedIntText(
            value=n_samples,
            min=1,
            max=1_000_000,
            step=1000,
            description="Points",
            tooltip="Sample points, drawn uniformly in the box.",
            **_full(),
        )
        self.box_text = widgets.Text(
            description="Box",
            tooltip="Where the sample points are drawn: one 'low, high' pair per "
            "feature, separated by ';'. Starts as the data's bounding box with a "
            "10 % margin.",
            continuous_update=False,
            style={"description_width": DESCRIPTION_WIDTH},
            layout=widgets.Layout(flex="1 1 0", width="auto", min_width="0"),
        )
        self.box_fit_button = widgets.Button(
            icon="expand",
            tooltip="Fit the box to the data again (10 % margin).",
            layout=widgets.Layout(width="34px", flex="0 0 34px"),
        )
        self.box_info = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.method_select = widgets.Dropdown(
            options=[
                ("projection (Newton, fast)", "projection"),
                ("gradient (reference, slow)", "gradient"),
            ],
            value=method,
            description="Method",
            tooltip="projection: Newton steps on the logit margin, lands exactly on "
            "the boundary in a few epochs. gradient: descent on (p - 1/2)^2, the "
            "reference method.",
            **_full(),
        )
        self.flow_epochs_input = widgets.BoundedIntText(
            value=flow_epochs,
            min=0,
            max=10_000,
            description="Epochs",
            tooltip="Flow epochs; each is one frame in the viewer.",
            **_full(),
        )
        self.delta_input = widgets.BoundedFloatText(
            value=delta,
            min=1e-6,
            max=0.49,
            step=0.001,
            description="delta",
            tooltip="A point is on the boundary when |p - 1/2| < delta (the gap "
            "between the two largest probabilities for more classes).",
            **_full(),
        )
        return widgets.VBox(
            [
                self.n_samples_input,
                row(self.box_text, self.box_fit_button, width="auto"),
                self.box_info,
                self.method_select,
                self.flow_epochs_input,
                self.delta_input,
            ]
        )

    def _build_actions(self):
        def button(label, icon, style, tooltip):
            return widgets.Button(
                description=label,
                icon=icon,
                button_style=style,
                tooltip=tooltip,
                layout=widgets.Layout(flex="1 1 0", width="auto"),
            )

        self.train_button = button(
            "Train",
            "graduation-cap",
            "primary",
            "Train the network for the epochs set in Model; again to continue.",
        )
        self.stop_button = button(
            "Stop", "stop", "warning", "Stop after the current batch (or flow epoch)."
        )
        self.flow_button = button(
            "Flow",
            "braille",
            "success",
            "Move sample points onto the decision boundary; frames appear live.",
        )
        self.progress = widgets.IntProgress(
            value=0,
            min=0,
            max=1,
            bar_style="info",
            tooltip="Batches of the training run, or epochs of the flow.",
            layout=widgets.Layout(flex="1 1 auto", width="auto"),
        )
        self.progress_label = widgets.HTML(
            layout=widgets.Layout(flex="0 0 auto", width="auto", margin="0 0 0 6px")
        )
        self.play = widgets.Play(
            value=0,
            min=0,
            max=0,
            interval=125,
            description="Frames",
            tooltip="Play the flow's frames in the viewer; runs in the browser.",
            show_repeat=False,
            layout=widgets.Layout(width="auto"),
        )
        self.frame_label = widgets.HTML(
            "<span style='color:#656d76;font-size:12px'>flow frames</span>",
            layout=widgets.Layout(margin="0 0 0 6px"),
        )
        self.status = widgets.HTML(
            layout=widgets.Layout(width="auto", min_height="36px")
        )
        return [
            row(self.train_button, self.stop_button, self.flow_button, width="auto"),
            row(self.progress, self.progress_label, width="auto", align_items="center"),
            row(self.play, self.frame_label, width="auto", align_items="center"),
            self.status,
        ]

    def _build_training_view(self):
        figure = make_subplots(
            rows=1,
            cols=2,
            subplot_titles=("Loss", "Validation accuracy"),
            horizontal_spacing=0.1,
        )
        for name, label, col in (
            ("train", "train", 1),
            ("valid", "valid", 1),
            ("accuracy", "accuracy", 2),
        ):
            figure.add_trace(
                go.Scatter(
                    x=[],
                    y=[],
                    name=label,
                    mode="lines+markers",
                    line={"color": _TRACE_COLORS[name], "width": 2},
                    marker={"size": 5},
                    showlegend=col == 1,
                ),
                row=1,
                col=col,
            )
        figure.update_xaxes(title_text="epoch", title_standoff=4, rangemode="tozero")
        figure.update_yaxes(rangemode="tozero", row=1, col=1)
        figure.update_yaxes(range=[0, 1.02], row=1, col=2)
        figure.update_layout(
            height=250,
            margin={"l": 44, "r": 12, "t": 28, "b": 36},
            template="plotly_white",
            legend={
                "x": 0.44,
                "xanchor": "right",
                "y": 1,
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.7)",
                "font": {"size": 11},
            },
            font={"size": 11},
        )
        self.loss_figure = go.FigureWidget(figure)
        self.loss_figure.layout.annotations[0].font.size = 12
        self.loss_figure.layout.annotations[1].font.size = 12
        # A FigureWidget's own ``layout`` is plotly's, so a Box sizes it.
        self.loss_box = widgets.Box(
            [self.loss_figure],
            layout=widgets.Layout(flex="0 1 auto", margin="0 12px 0 0"),
        )
        self.epoch_table = widgets.HTML(
            history_table_html(self.history),
            layout=widgets.Layout(flex="0 0 440px", width="440px", margin="28px 0 0 0"),
        )
