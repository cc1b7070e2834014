{% comment %}
The start of /serviceworker.js, a module worker: the modules it imports (static/sw/, which
import the page's own journal store, static/js/db.js) and its configuration.
frontend/pwa_views.py appends the worker itself (frontend/worker/serviceworker.js, plain
JavaScript served as it is).
{% endcomment %}{{ worker_imports|safe }}const CONFIG = {{ config_json|safe }};
