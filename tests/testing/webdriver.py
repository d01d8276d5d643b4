"""What the browser tests share: headless Chromium driven by chromedriver over its W3C HTTP API
(Python's standard library only; Debian's chromium and chromium-driver).

Usage from a test beside tests/testing:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing"))
    from webdriver import Driver, free_port
"""
import json
import shutil
import socket
import time
import urllib.request


def chromium_flags(window_size):
    """Headless, offline, reproducible: no GPU, no network chatter, a fixed window."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--window-size={window_size}", "--hide-scrollbars"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())["value"]

    def wait_ready(self, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.call("GET", "/status", timeout=2).get("ready"):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("chromedriver did not become ready")

    def start(self, profile_dir, window_size="1400,1000"):
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": shutil.which("chromium") or "/usr/bin/chromium",
                                   "args": chromium_flags(window_size) +
                                   [f"--user-data-dir={profile_dir}"]},
            "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.session = self.call("POST", "/session", capabilities)["sessionId"]

    def s(self, path):
        return f"/session/{self.session}{path}"

    def run(self, script, args=None):
        return self.call("POST", self.s("/execute/sync"), {"script": script, "args": args or []})

    def cdp(self, command, params):
        return self.call("POST", self.s("/goog/cdp/execute"), {"cmd": command, "params": params})

    def find(self, css):
        element = self.call("POST", self.s("/element"), {"using": "css selector", "value": css})
        return next(iter(element.values()))

    def click(self, css):
        self.call("POST", self.s(f"/element/{self.find(css)}/click"), {})

    def wait_state(self, states, seconds=30):
        """Waits until document.body.dataset.state is one of `states`; returns it."""
        deadline = time.time() + seconds
        state = None
        while time.time() < deadline:
            state = self.run("return document.body.dataset.state")
            if state in states:
                return state
            time.sleep(0.1)
        raise RuntimeError(f"the page never reached {states} (last: {state})")
