#!/usr/bin/env python3
"""summary.html in a real browser (issue 20, item 5).

    report.py TASDID LOG_DIR

Runs a small `tasdid demo` (embedded broker: librdkafka's mock cluster, in
memory only) into a scratch folder and opens the night's summary.html in
headless Chromium through chromedriver, at 1280 px and at 375 px (a phone),
then in print media at the width of an A4 landscape page. At each width it
fails on:

  - an error in the browser's console;
  - a request for anything that is not a file: or data: URL (the DevTools
    network log, the page's resource timing entries, and every src/href);
  - text overflowing its box: an element whose content is wider than its
    box, or a box reaching past the page's edge, or a page wider than the
    window;
  - a chart without its numbers: every bar (an SVG rect) must sit in a row
    of a chart table whose number cell shows the row's value;
  - Arabic text whose computed `direction` is not rtl.

It saves a screenshot of each width (and the page printed as PDF) into
LOG_DIR, next to meson's test log. Then it proves it can fail: it opens
tests/browser/broken.html, a page with one of each fault, and fails unless
every check above reports it.

Exit 77 (meson's "skipped") only when Chromium cannot start; a missing
selenium is a failure, since ./run installs python3-selenium.
"""
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
WIDTHS = (1280, 375)
# A4 landscape, 297 mm less 2 x 12 mm margins (summary.html's @page), in
# CSS px (96 per inch): what the print layout has to fit into.
PRINT_WIDTH = round((297 - 24) / 25.4 * 96)

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
except ImportError:
    # An interpreter of its own (pyenv, a venv) may not see Debian's
    # python3-selenium: use Debian's python3, which does.
    if os.path.realpath(sys.executable) != os.path.realpath('/usr/bin/python3') \
            and os.path.exists('/usr/bin/python3'):
        os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
    sys.exit('FAIL: python3-selenium is not installed (./run installs it)')

HERE = os.path.dirname(os.path.abspath(__file__))

# Everything measured in the page, as one JSON object of lists of problems.
CHECKS_JS = r"""
const out = {overflow: [], chart: [], rtl: [], external: [], charts: 0, arabic: 0};
const vw = document.documentElement.clientWidth;
const doc = document.documentElement;
// A phone lays out a page without a viewport meta at 980 px and shrinks
// it to the screen: nothing "overflows", and nothing can be read.
if (vw > arguments[0])
  out.overflow.push('the page is laid out ' + vw + ' px wide on a ' + arguments[0] +
                    ' px screen (shrunk to fit: no <meta name=viewport>?)');
const what = el => (el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className : '') + ' "' + (el.textContent || '').trim().slice(0, 50) + '"');
if (doc.scrollWidth > vw + 1)
  out.overflow.push('the page is ' + doc.scrollWidth + ' px wide in a ' + vw + ' px window');
for (const el of document.body.querySelectorAll('*')) {
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || el.closest('svg')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (cs.display !== 'inline' && el.scrollWidth > el.clientWidth + 1)
    out.overflow.push(what(el) + ': content ' + el.scrollWidth + ' px in a box of ' + el.clientWidth);
  if (r.right > vw + 1 || r.left < -1)
    out.overflow.push(what(el) + ': reaches ' + Math.round(r.left) + '..' + Math.round(r.right) +
                      ' px, the page is ' + vw);
}
// Charts: every bar in a row that shows its value as text.
out.charts = document.querySelectorAll('table.chart').length;
for (const rect of document.querySelectorAll('svg rect')) {
  const row = rect.closest('table.chart tr[data-value]');
  if (!row) { out.chart.push('a bar outside any chart row: ' + what(rect.closest('svg'))); continue; }
  const cell = row.querySelector('td.n');
  const shown = cell ? cell.innerText.replace(/,/g, '').trim() : '';
  const box = cell ? cell.getBoundingClientRect() : null;
  if (shown !== row.dataset.value || !box || box.width === 0 || box.right > vw + 1)
    out.chart.push('row "' + row.innerText.trim().slice(0, 40) + '": value ' + row.dataset.value +
                   ' shown as "' + shown + '"');
}
// Arabic text: the element holding it must be right-to-left.
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  if (!/[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/.test(n.nodeValue)) continue;
  out.arabic++;
  const dir = getComputedStyle(n.parentElement).direction;
  if (dir !== 'rtl') out.rtl.push('"' + n.nodeValue.trim().slice(0, 40) + '" is ' + dir);
}
// Loads the page asked for, and every URL it names.
for (const e of performance.getEntriesByType('resource')) out.external.push(e.name);
for (const el of document.querySelectorAll('[src], [href], [srcset], [data]'))
  for (const a of ['src', 'href', 'srcset', 'data'])
    if (el.hasAttribute(a)) out.external.push(el.getAttribute(a));
return JSON.stringify(out);
"""

LOCAL = re.compile(r'^(file:|data:|#|$)')


def start_browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = '/usr/bin/chromium'
    opts.add_argument('--headless=new')
    # Chromium refuses to start its sandbox as root ("Running as root
    # without --no-sandbox is not supported"), and CI runs as root. The
    # page is our own file with every load refused by its CSP.
    if os.geteuid() == 0:
        opts.add_argument('--no-sandbox')
    opts.add_argument('--disable-gpu')
    opts.add_argument('--disable-dev-shm-usage')  # small /dev/shm in containers
    opts.add_argument('--user-data-dir=' + profile)
    opts.add_argument('--no-first-run')
    opts.add_argument('--window-size=1280,900')
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    return webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)


def set_view(drv, width, height, media=''):
    drv.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
        'width': width, 'height': height, 'deviceScaleFactor': 1,
        'mobile': width < 600})
    drv.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': media})


def check_page(drv, url, width, media='', require=True):
    """Open url at width; return {check: [problems]}."""
    set_view(drv, width, 900, media)
    drv.get('about:blank')
    drv.get_log('browser')       # drop what earlier pages (and the
    drv.get_log('performance')   # browser's own start page) logged
    drv.get(url)
    if media:
        # The load happened in screen media; measure in print media.
        drv.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': media})
    got = json.loads(drv.execute_script(CHECKS_JS, width))
    problems = {'console': [], 'external': [], 'overflow': got['overflow'],
                'chart': got['chart'], 'rtl': got['rtl']}
    for e in drv.get_log('browser'):
        if e.get('level') == 'SEVERE':
            problems['console'].append(e.get('message', ''))
    urls = list(got['external'])
    for e in drv.get_log('performance'):
        msg = json.loads(e['message'])['message']
        # Requests of this page (not the browser's own internal pages).
        if msg.get('method') == 'Network.requestWillBeSent' \
                and msg['params'].get('documentURL') == url:
            urls.append(msg['params']['request']['url'])
    problems['external'] = sorted({u for u in urls if not LOCAL.match(u.strip())})
    if require:
        if got['charts'] != 2:
            problems['chart'].append('%d chart tables, expected 2' % got['charts'])
        if got['arabic'] == 0:
            problems['rtl'].append('no Arabic text on the page (the demo names its banks in Arabic)')
    return problems


def screenshot(drv, path):
    """The whole page, not only the window."""
    h = drv.execute_script('return document.documentElement.scrollHeight')
    w = drv.execute_script('return document.documentElement.clientWidth')
    shot = drv.execute_cdp_cmd('Page.captureScreenshot', {
        'format': 'png', 'captureBeyondViewport': True,
        'clip': {'x': 0, 'y': 0, 'width': w, 'height': h, 'scale': 1}})
    with open(path, 'wb') as f:
        f.write(base64.b64decode(shot['data']))


def make_report(tasdid, scratch):
    """A small demo night; returns the path of its summary.html."""
    out = os.path.join(scratch, 'demo')
    r = subprocess.run([tasdid, 'demo', '--dir', out, '--seed', '7', '--count', '400',
                        '--banks', '3', '--terminals', '3', '--accounts', '200',
                        '--resend', '20', '--connections', '8', '--outage-ms', '500'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=240)
    if r.returncode != 0:
        sys.exit('FAIL: tasdid demo exited %d:\n%s' % (r.returncode, r.stdout))
    pages = glob.glob(os.path.join(out, 'reports', '*', 'summary.html'))
    if len(pages) != 1:
        sys.exit('FAIL: expected one summary.html, found %r' % pages)
    return pages[0]


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: report.py TASDID LOG_DIR')
    tasdid, log_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(log_dir, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix='tasdid-browser-')
    try:
        page = make_report(tasdid, scratch)
        try:
            drv = start_browser(os.path.join(scratch, 'profile'))
        except WebDriverException as e:
            print('SKIP: Chromium (/usr/bin/chromium through /usr/bin/chromedriver) '
                  'cannot start here: %s' % ' '.join(str(e).split())[:400])
            return SKIP
        try:
            return run_checks(drv, page, log_dir)
        finally:
            drv.quit()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_checks(drv, page, log_dir):
    failed = False
    url = 'file://' + page
    for width, media in [(w, '') for w in WIDTHS] + [(PRINT_WIDTH, 'print')]:
        name = '%d px%s' % (width, ' print' if media else '')
        problems = check_page(drv, url, width, media)
        if media:
            pdf = drv.execute_cdp_cmd('Page.printToPDF', {'preferCSSPageSize': True})
            with open(os.path.join(log_dir, 'browser-report-print.pdf'), 'wb') as f:
                f.write(base64.b64decode(pdf['data']))
        else:
            screenshot(drv, os.path.join(log_dir, 'browser-report-%d.png' % width))
        bad = {k: v for k, v in problems.items() if v}
        for check, items in bad.items():
            for item in items[:10]:
                print('FAIL: %s: %s: %s' % (name, check, item))
        failed |= bool(bad)
        if not bad:
            print('ok: summary.html at %s: no console error, no external request, '
                  'nothing overflows, charts show their numbers, Arabic is rtl' % name)
    # The checks must be able to fail: a page with one of each fault.
    broken = check_page(drv, 'file://' + os.path.join(HERE, 'broken.html'), 375,
                        require=False)
    for check, items in broken.items():
        if not items:
            print('FAIL: broken.html: the %s check found nothing' % check)
            failed = True
        else:
            print('ok: broken.html: the %s check fails it (%s)' % (check, items[0][:80]))
    print('screenshots: %s/browser-report-{%s}.png, browser-report-print.pdf'
          % (log_dir, ','.join(map(str, WIDTHS))))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
