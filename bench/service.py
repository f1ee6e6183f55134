"""Service benchmark: the review queue with 100,000 findings in PostgreSQL, on a real WSGI server.

    python bench/service.py [--findings 100000] [--clients 50] [--requests 1000] [--think 0]
                            [--write-every 0] [--server reviewer] [--workers N] [--threads 8]

Seeds a fresh PostgreSQL schema (REVIEWER_BENCH_PG_URL, default the local `test` database) with
5 agencies, 10 findings per item, then starts the service the way production does (`reviewer
serve`: gunicorn, one process per core, 8 threads each) in a separate process and measures, with
N concurrent clients (aiohttp, all in this one process; its CPU use is printed), after a warm-up
of the same mix (--warmup seconds):
  - the queue page (GET /queue, logged-in reviewer of one agency, its default filters; 70% page 1,
    else pages 2-20),
  - GET /api/v1/items (a page of 20, Bearer token; 70% page 1, else pages 2-50),
  - POST /api/v1/checks with a 10,000-character draft (fewer requests, 1 then 4 clients).
Prints p50/p95/max, throughput, the CPU used by the client and by the server processes, and the
load average (the machine's cores may be shared). Asserts nothing. Every phase is bounded in time
(--phase-seconds), and the schema is dropped at the end. `--think S` gives each client a random
pause (mean S seconds) between requests, the way officers actually use a queue; 0 is a closed loop
(every client fires again as soon as it has its answer: the worst case for latency).

The service keeps whole answers of the list views while the database's data version is unchanged
(reviewer.web.cache). The list phases only read, so after the warm-up they measure that warm
state; `--write-every S` submits a draft every S seconds meanwhile, each one emptying every cached
answer in every process: the figure for a queue that is being worked on. BENCH_TIMELINE=1 also
prints p50/p95 for each second of a phase.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("REVIEWER_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CATEGORIES = ["link", "typo", "sensitive", "privacy", "secrecy", "tampering", "format", "site"]
SEVERITIES = ["critical", "major", "minor", "info"]
RANK = {"critical": 3, "major": 2, "minor": 1, "info": 0}
PASSWORD = "bench-password-1"


def seed(url: str, n_findings: int, per_item: int = 10, agencies: int = 5) -> dict:
    from sqlalchemy import insert

    from reviewer.store import accounts
    from reviewer.store.db import make_engine, make_sessionmaker, session_scope, upgrade
    from reviewer.store.models import Document, DocumentVersion, Finding, Item, utcnow

    t0 = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    rnd = random.Random(7)
    with session_scope(make_sessionmaker(engine)) as s:
        ags = [accounts.get_or_create_agency(s, f"第{i + 1}局") for i in range(agencies)]
        rev = accounts.create_user(s, "bench_rev", "reviewer", ags[0], password=PASSWORD)
        token = accounts.create_token(s, rev)
        agency_ids = [a.id for a in ags]
    body = ("根据《中华人民共和国政府信息公开条例》规定，现将有关事项公示如下。" * 40)[:1500]
    n_items = n_findings // per_item
    now = utcnow()
    with engine.begin() as c:
        batch = 2000
        for b0 in range(0, n_items, batch):
            ids = range(b0 + 1, min(n_items, b0 + batch) + 1)
            c.execute(insert(Document), [
                {"id": i, "agency_id": agency_ids[i % agencies], "uri": f"https://site{i % 20}.example.gov.cn/art/{i}.html",
                 "title": f"公开信息第{i}号", "kind": "html", "source": "sweep", "site": f"site{i % 20}.example.gov.cn",
                 "created_at": now} for i in ids])
            c.execute(insert(DocumentVersion), [
                {"id": i, "document_id": i, "number": 1, "text": body, "sha256": "0" * 64, "created_at": now}
                for i in ids])
            items, findings = [], []
            for i in ids:
                status = rnd.choices(["pending", "approved", "rejected"], [7, 2, 1])[0]
                sev = [rnd.choice(SEVERITIES) for _ in range(per_item)]
                fst = [rnd.choices(["open", "confirmed", "dismissed"], [6, 2, 2])[0] for _ in range(per_item)]
                active = [RANK[x] for x, st in zip(sev, fst) if st != "dismissed"]
                created = now.replace(microsecond=0) - __import__("datetime").timedelta(minutes=rnd.randrange(60 * 24 * 90))
                cats = [rnd.choice(CATEGORIES) for _ in range(per_item)]
                items.append({"id": i, "agency_id": agency_ids[i % agencies], "document_id": i,
                              "document_version_id": i, "status": status, "uri": f"https://site{i % 20}.example.gov.cn/art/{i}.html",
                              "title": f"公开信息第{i}号", "site": f"site{i % 20}.example.gov.cn",
                              "severity_rank": max(active, default=-1), "open_count": len(active), "version": 1,
                              "created_at": created, "updated_at": created})
                # the store's denormalised per-item counters (open + confirmed findings), when it has them
                for key in SEVERITIES + CATEGORIES:
                    if hasattr(Item, f"n_{key}"):
                        items[-1][f"n_{key}"] = sum(1 for x, c, st in zip(sev, cats, fst)
                                                    if st != "dismissed" and key in (x, c))
                for k in range(per_item):
                    start = rnd.randrange(0, 1400)
                    findings.append({
                        "item_id": i, "agency_id": agency_ids[i % agencies], "document_id": i,
                        "rule": f"{cats[k]}.bench", "category": cats[k], "severity": sev[k],
                        "severity_rank": RANK[sev[k]], "uri": items[-1]["uri"], "part": "body", "start": start,
                        "end": start + 6, "text": body[start:start + 6], "excerpt": body[max(0, start - 20):start + 26],
                        "message": "基准测试问题", "fingerprint": secrets.token_hex(12), "status": fst[k],
                        "created_at": created})
            c.execute(insert(Item), items)
            c.execute(insert(Finding), findings)
    with engine.begin() as c:
        from sqlalchemy import text
        for t in ("documents", "document_versions", "items", "findings"):
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"))
        c.execute(text("ANALYZE"))
    engine.dispose()
    return {"token": token, "seconds": time.perf_counter() - t0, "items": n_items, "findings": n_items * per_item}


SERVER_PID = 0


def server_cpu() -> float:
    """CPU seconds used so far by the server process and its children (gunicorn's workers)."""
    if not SERVER_PID or not Path("/proc").is_dir():
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            f = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == SERVER_PID or int(f[1]) == SERVER_PID:
            total += int(f[11]) + int(f[12])        # utime + stime
    return total / tick


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, threads: int, instance: str, server: str = "waitress",
                 workers: int = 2) -> subprocess.Popen:
    # stderr to a file: a pipe nobody reads fills up and blocks the server mid-request
    env = {**os.environ, "REVIEWER_DATABASE_URL": url, "REVIEWER_SECRET_KEY": "bench", "REVIEWER_INSTANCE_PATH": instance}
    env.pop("REVIEWER_BROKER_URL", None)
    if server == "reviewer":
        # the production command itself (gunicorn with `workers` processes, waitress with one)
        cmd = [sys.executable, "-m", "reviewer", "serve", "--port", str(port), "--workers", str(workers),
               "--threads", str(threads)]
    elif server == "gunicorn":
        # processes: one Python process cannot use more than one core for this CPU-bound work
        cmd = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread",
               "--threads", str(threads), "--backlog", "512", "--timeout", "120", "service:create_app()"]
    else:
        cmd = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", f"--threads={threads}",
               "--connection-limit=200", "--call", "service:create_app"]
    return subprocess.Popen(cmd,
                            cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL,
                            stderr=open(Path(instance) / "server.log", "wb"))


async def wait_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import aiohttp
    end = time.monotonic() + timeout
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < end:
            if proc.poll() is not None:
                raise SystemExit("server exited; see its log")
            try:
                async with s.get(base + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("server did not start")


async def login(session, base: str) -> None:
    async with session.get(base + "/login") as r:
        token = re.search(r'name="csrf-token" content="([^"]+)"', await r.text()).group(1)
    async with session.post(base + "/login", data={"username": "bench_rev", "password": PASSWORD,
                                                   "csrf_token": token}, allow_redirects=False) as r:
        assert r.status == 302, r.status


async def phase(name: str, make_request, clients: int, total: int, seconds: float, think: float,
                report: bool = True) -> dict:
    lat: list[float] = []
    stamps: list[tuple[float, float]] = []
    errors = 0
    deadline = time.monotonic() + seconds
    counter = {"left": total}

    async def client(i: int):
        nonlocal errors
        rnd = random.Random(i)
        if think:
            await asyncio.sleep(rnd.random() * think)          # spread the start
        while counter["left"] > 0 and time.monotonic() < deadline:
            counter["left"] -= 1
            t = time.perf_counter()
            status = await make_request(rnd)
            lat.append(time.perf_counter() - t)
            stamps.append((t, lat[-1]))
            if status >= 400:
                errors += 1
            if think:
                await asyncio.sleep(rnd.expovariate(1 / think))

    t0 = time.perf_counter()
    cpu0, srv0 = time.process_time(), server_cpu()
    await asyncio.gather(*(client(i) for i in range(clients)))
    wall = time.perf_counter() - t0
    cpu, srv = time.process_time() - cpu0, server_cpu() - srv0
    if not report:
        return {}
    if os.environ.get("BENCH_TIMELINE"):
        t_0 = stamps[0][0]
        for k in range(0, int(stamps[-1][0] - t_0) + 1):
            sec = sorted(l for t, l in stamps if k <= t - t_0 < k + 1)
            if len(sec) > 20:
                print(f"   second {k}: n={len(sec)} p50={sec[len(sec) // 2] * 1000:.0f} p95={sec[int(len(sec) * .95)] * 1000:.0f}")
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0]] * 99
    out = {"name": name, "n": len(lat), "errors": errors, "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000,
           "max_ms": lat[-1] * 1000, "rps": len(lat) / wall, "client_cpu": cpu / wall, "server_cpu": srv / wall}
    print(f"{name:<44} n={out['n']:<5} err={errors:<3} p50={out['p50_ms']:7.1f} ms  p95={out['p95_ms']:7.1f} ms  "
          f"max={out['max_ms']:7.1f} ms  {out['rps']:6.1f} req/s  cpu: client {cpu / wall:4.0%} server {srv / wall:4.0%}"
          f"  load {'/'.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return out


async def run_load(base: str, token: str, args) -> list[dict]:
    import aiohttp
    draft = ("关于进一步做好政务公开工作的通知\n各乡镇人民政府、县政府各部门：\n"
             + "为深入贯彻落实《中华人民共和国政府信息公开条例》，推进决策、执行、管理、服务、结果公开，"
               "现就有关事项通知如下。联系人：张三，电话：13812345678。\n" * 200)[:10_000]
    assert len(draft) == 10_000
    conn = aiohttp.TCPConnector(limit=args.clients * 2)
    results = []
    async with aiohttp.ClientSession(connector=conn, cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        await login(s, base)
        h = {"Authorization": f"Bearer {token}"}

        async def queue_page(rnd):
            page = 1 if rnd.random() < 0.7 else rnd.randint(2, 20)
            async with s.get(f"{base}/queue?page={page}") as r:
                await r.read()
                return r.status

        async def items_api(rnd):
            page = 1 if rnd.random() < 0.7 else rnd.randint(2, 50)
            async with s.get(f"{base}/api/v1/items?status=pending&page={page}", headers=h) as r:
                await r.read()
                return r.status

        async def checks_api(rnd):
            async with s.post(f"{base}/api/v1/checks", json={"text": draft}, headers=h) as r:
                await r.read()
                return r.status

        # warm-up, concurrent so every worker process and thread gets its share: connection pools,
        # the rule engine's dictionaries; then the same mix as the phase for --warmup seconds
        # (the server's response cache and filter counts fill; nothing here writes, so they stay)
        for _ in range(3):
            await asyncio.gather(*(checks_api(random.Random(i)) for i in range(args.clients // 2)))
        label = f"{args.clients} clients" + (f", think {args.think:g}s" if args.think else ", closed loop")
        if args.write_every:
            label += f", a submission every {args.write_every:g}s"
        writes = {"n": 0}

        async def writer():
            # what officers do meanwhile: each write empties every cached answer in every process
            k = 0
            while True:
                await asyncio.sleep(args.write_every)
                k += 1
                async with s.post(f"{base}/api/v1/submissions", headers=h,
                                  json={"text": f"关于第{k}批政务公开事项的通知。\n联系电话：0371-1234567。\n"}) as r:
                    await r.read()
                    writes["n"] += r.status == 201

        for name, fn in ((f"GET /queue ({label})", queue_page), (f"GET /api/v1/items ({label})", items_api)):
            if args.warmup:
                await phase("warm-up", fn, args.clients, 10 ** 9, args.warmup, args.think, report=False)
            w = asyncio.create_task(writer()) if args.write_every else None
            results.append(await phase(name, fn, args.clients, args.requests, args.phase_seconds, args.think))
            if w is not None:
                w.cancel()
        if args.write_every:
            print(f"submissions made during the list phases: {writes['n']}")
        results.append(await phase("POST /api/v1/checks 10k chars (1 client)", checks_api, 1, args.check_requests,
                                   args.phase_seconds, 0))
        results.append(await phase(f"POST /api/v1/checks 10k chars ({args.check_clients} clients)", checks_api,
                                   args.check_clients, args.check_requests, args.phase_seconds, 0))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=1000, help="requests per list phase")
    ap.add_argument("--check-requests", type=int, default=40)
    ap.add_argument("--check-clients", type=int, default=4)
    ap.add_argument("--think", type=float, default=0.0, help="mean pause between a client's requests (s)")
    ap.add_argument("--server", choices=("reviewer", "waitress", "gunicorn"), default="reviewer",
                    help="reviewer: `reviewer serve` (what production runs); or waitress/gunicorn directly")
    ap.add_argument("--workers", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                    help="worker processes (reviewer serve, gunicorn); default as `reviewer serve`: the cores, at most 4")
    ap.add_argument("--threads", type=int, default=8, help="worker threads (per process)")
    ap.add_argument("--write-every", type=float, default=0.0,
                    help="during the list phases, submit a draft every S seconds (0: read only)")
    ap.add_argument("--warmup", type=float, default=3.0,
                    help="seconds of the same request mix before each list phase (not measured)")
    ap.add_argument("--phase-seconds", type=float, default=90.0, help="upper bound on each phase")
    ap.add_argument("--keep", action="store_true", help="keep the schema (for repeated runs: --reuse SCHEMA)")
    ap.add_argument("--reuse", help="use an existing seeded schema instead of seeding")
    args = ap.parse_args()

    from sqlalchemy import text

    from reviewer.store.db import make_engine
    schema = args.reuse or "reviewer_bench_" + secrets.token_hex(3)
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    proc = None
    try:
        if args.reuse:
            from reviewer.store import accounts
            from reviewer.store.db import make_sessionmaker, session_scope, upgrade
            eng = make_engine(url)
            upgrade(eng)
            with session_scope(make_sessionmaker(eng)) as s:
                token = accounts.create_token(s, accounts.user_by_name(s, "bench_rev"))
            eng.dispose()
            print(f"reusing schema {schema}")
        else:
            with admin.connect() as c:
                c.execute(text(f'CREATE SCHEMA "{schema}"'))
            info = seed(url, args.findings)
            token = info["token"]
            print(f"seeded {info['items']:,} items / {info['findings']:,} findings in PostgreSQL "
                  f"(schema {schema}) in {info['seconds']:.1f} s")
        port = free_port()
        with tempfile.TemporaryDirectory() as inst:
            proc = start_server(url, port, args.threads, inst, args.server, args.workers)
            global SERVER_PID
            SERVER_PID = proc.pid
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_up(base, proc))
            procs = f"{args.workers} processes x " if args.server != "waitress" else ""
            print(f"{args.server} on {base}, {procs}{args.threads} threads; "
                  f"{os.cpu_count()} CPU cores shared with the load generator (one process, aiohttp); "
                  f"load average {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
            print(f"clients: {args.clients}, " + (f"each pausing {args.think:g} s on average between requests"
                  if args.think else "closed loop (each fires again as soon as it has its answer)")
                  + f"; {args.warmup:g} s warm-up of the same mix before each list phase; "
                  + (f"a submission every {args.write_every:g} s during the list phases (each one empties the "
                     "service's response cache)" if args.write_every else
                     "no writes during the list phases, so the service's response cache (emptied by every "
                     "write) stays warm: see --write-every"))
            try:
                asyncio.run(run_load(base, token, args))
            finally:
                errors = (Path(inst) / "server.log").read_text(errors="replace").count("Traceback")
                if errors:
                    print(f"server logged {errors} tracebacks:\n" + (Path(inst) / "server.log").read_text()[-3000:])
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        if not args.keep and not args.reuse:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        elif args.keep:
            print(f"kept schema {schema} (reuse with --reuse {schema})")
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
