"""Builds the Metadata editor's widgets: the form (rules, behaviour, context-aware resources, host
capabilities, annotations), the Usage page and the YAML page, with their signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.core import EXECUTION_MODES, OPERATIONS, POLICY_TYPES, WELL_KNOWN_ANNOTATIONS
from workbench.gui.codeeditor import CodeEditor
from workbench.gui.findbar import with_find_bar
from workbench.gui.metadatatables import ListTable

__all__ = ["RULE_COLUMNS", "USAGE_KEY", "build_editor"]

USAGE_KEY = "io.kubewarden.policy.usage"
RULE_COLUMNS = ("API groups", "API versions", "Resources", *OPERATIONS)
FIRST_OP_COLUMN = 3


def build_editor(editor: Any, dark: bool) -> None:
    """Create the widgets as attributes of ``editor`` (a MetadataEditor) and connect them to its slots."""
    editor.tabs = QTabWidget(editor)
    editor.tabs.setAccessibleName("Metadata views")

    form_host = QWidget(editor)
    form = QVBoxLayout(form_host)

    editor.rules = ListTable(RULE_COLUMNS, "Rules", editor)
    editor.rules.table.setToolTip(
        'Comma-separated lists; "" is the core API group. Tick the operations each rule matches.'
    )
    header = editor.rules.table.horizontalHeader()
    header.setMinimumSectionSize(40)
    for col in range(FIRST_OP_COLUMN, len(RULE_COLUMNS)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    editor.rules.table.setMinimumWidth(500)
    rules_box = QGroupBox("Rules", editor)
    QVBoxLayout(rules_box).addWidget(editor.rules)
    form.addWidget(rules_box)

    general = QGroupBox("Behaviour", editor)
    grid = QFormLayout(general)
    editor.mutating = QCheckBox("Mutating (returns mutated objects)", editor)
    editor.mutating.setAccessibleName("Mutating")
    editor.background_audit = QCheckBox("Background audit", editor)
    editor.background_audit.setAccessibleName("Background audit")
    editor.execution_mode = QComboBox(editor)
    editor.execution_mode.addItems(list(EXECUTION_MODES))
    editor.execution_mode.setAccessibleName("Execution mode")
    editor.policy_type = QComboBox(editor)
    editor.policy_type.addItems(list(POLICY_TYPES))
    editor.policy_type.setAccessibleName("Policy type")
    editor.protocol_version = QComboBox(editor)
    editor.protocol_version.addItems(["(not set)", "v1", "Unknown"])
    editor.protocol_version.setAccessibleName("Protocol version")
    editor.protocol_version.setToolTip("Annotate & Save sets it from the module (waPC) or to Unknown")
    editor.minimum_version = QLineEdit(editor)
    editor.minimum_version.setPlaceholderText("e.g. 1.20.0 (optional)")
    editor.minimum_version.setAccessibleName("Minimum Kubewarden version")
    grid.addRow(editor.mutating)
    grid.addRow(editor.background_audit)
    grid.addRow("Execution &mode:", editor.execution_mode)
    grid.addRow("Policy &type:", editor.policy_type)
    grid.addRow("&Protocol version:", editor.protocol_version)
    grid.addRow("Minimum &Kubewarden version:", editor.minimum_version)
    form.addWidget(general)

    editor.context_aware = ListTable(("apiVersion", "kind"), "Context-aware resources", editor)
    ca_box = QGroupBox("Context-aware resources (cluster objects the policy may read)", editor)
    QVBoxLayout(ca_box).addWidget(editor.context_aware)
    form.addWidget(ca_box)

    editor.host_caps = ListTable(("Host capability pattern",), "Host capabilities", editor)
    editor.host_caps.table.setToolTip("e.g. kubernetes/get_resource, oci/v2/*; empty = not declared")
    hc_box = QGroupBox("Host capabilities", editor)
    QVBoxLayout(hc_box).addWidget(editor.host_caps)
    form.addWidget(hc_box)

    editor.annotations = ListTable(("Key", "Value"), "Annotations", editor)
    editor.well_known = QComboBox(editor)
    editor.well_known.setAccessibleName("Well-known annotation to add")
    editor.well_known.addItem("Add well-known key…")
    editor.well_known.addItems([k for k in WELL_KNOWN_ANNOTATIONS if k != USAGE_KEY])
    an_box = QGroupBox("Annotations", editor)
    an_layout = QVBoxLayout(an_box)
    an_layout.addWidget(editor.well_known)
    an_layout.addWidget(editor.annotations)
    form.addWidget(an_box)
    form.addStretch(1)

    scroll = QScrollArea(editor)
    scroll.setWidgetResizable(True)
    scroll.setWidget(form_host)
    editor.form_page = scroll
    editor.tabs.addTab(scroll, "&Form")

    usage_host = QSplitter(Qt.Orientation.Horizontal, editor)
    editor.usage = QPlainTextEdit(usage_host)
    editor.usage.setAccessibleName("Usage (Markdown)")
    editor.usage.setPlaceholderText("How to use the policy, in Markdown (io.kubewarden.policy.usage)")
    editor.usage_preview = QTextBrowser(usage_host)
    editor.usage_preview.setAccessibleName("Usage preview")
    editor.tabs.addTab(usage_host, "&Usage")

    editor.yaml = CodeEditor(editor, "yaml", dark)
    editor.yaml.setAccessibleName("Metadata YAML")
    editor.yaml.setUndoRedoEnabled(False)  # undo goes through the metadata undo stack
    editor.tabs.addTab(with_find_bar(editor.yaml, editor), "&YAML")

    editor.status = QLabel(editor)
    editor.status.setWordWrap(True)
    editor.status.setAccessibleName("Metadata validation")
    editor.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    layout = QVBoxLayout(editor)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(editor.tabs, 1)
    layout.addWidget(editor.status)

    editor._yaml_timer = QTimer(editor)
    editor._yaml_timer.setSingleShot(True)
    editor._yaml_timer.setInterval(editor.YAML_DELAY_MS)
    editor._yaml_timer.timeout.connect(editor._yaml_edited)

    # form signals
    editor.rules.table.itemChanged.connect(lambda _i: editor._form_edited("rules", "Edit rules", merge=False))
    editor.rules.add_button.clicked.connect(editor._add_rule)
    editor.rules.remove_button.clicked.connect(
        lambda: editor._remove_row(editor.rules, "rules", "Remove rule")
    )
    editor.mutating.toggled.connect(
        lambda _v: editor._form_edited("mutating", "Toggle mutating", merge=False)
    )
    editor.background_audit.toggled.connect(
        lambda _v: editor._form_edited("backgroundAudit", "Toggle background audit", merge=False)
    )
    editor.execution_mode.currentIndexChanged.connect(
        lambda _i: editor._form_edited("executionMode", "Change execution mode", merge=False)
    )
    editor.policy_type.currentIndexChanged.connect(
        lambda _i: editor._form_edited("policyType", "Change policy type", merge=False)
    )
    editor.protocol_version.currentIndexChanged.connect(
        lambda _i: editor._form_edited("protocolVersion", "Change protocol version", merge=False)
    )
    editor.minimum_version.textEdited.connect(
        lambda _t: editor._form_edited("minimumKubewardenVersion", "Edit minimum version")
    )
    editor.context_aware.table.itemChanged.connect(
        lambda _i: editor._form_edited("contextAwareResources", "Edit context-aware resources", merge=False)
    )
    editor.context_aware.add_button.clicked.connect(editor._add_context_aware)
    editor.context_aware.remove_button.clicked.connect(
        lambda: editor._remove_row(
            editor.context_aware, "contextAwareResources", "Remove context-aware resource"
        )
    )
    editor.host_caps.table.itemChanged.connect(
        lambda _i: editor._form_edited("hostCapabilities", "Edit host capabilities", merge=False)
    )
    editor.host_caps.add_button.clicked.connect(editor._add_host_capability)
    editor.host_caps.remove_button.clicked.connect(
        lambda: editor._remove_row(editor.host_caps, "hostCapabilities", "Remove host capability")
    )
    editor.annotations.table.itemChanged.connect(
        lambda _i: editor._form_edited("annotations", "Edit annotations", merge=False)
    )
    editor.annotations.add_button.clicked.connect(lambda: editor.add_annotation("example.com/key", ""))
    editor.annotations.remove_button.clicked.connect(
        lambda: editor._remove_row(editor.annotations, "annotations", "Remove annotation")
    )
    editor.well_known.activated.connect(editor._well_known_chosen)
    editor.usage.textChanged.connect(editor._usage_edited)
    editor.yaml.textChanged.connect(editor._yaml_text_changed)
