import subprocess
import sys

import pytest


@pytest.mark.slow  # a subprocess
def test_package_imports_without_loading_models_or_servers() -> None:
    code = (
        "import sys, askcases.app.cli, askcases.config, askcases.errors, askcases.types, "
        "askcases.evaluation.questions, askcases.app.render; "
        "print([m for m in ('torch', 'gradio', 'chromadb') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
