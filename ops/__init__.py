"""Running the product: training the Rasa model and starting the Procfile's processes (servers.py),
`coach up` and its health checks (run.py), the load driver's virtual trainees (load_driver.py),
throw-away PostgreSQL databases (scratch.py), and waiting for a server or a free port (wait.py, which
the panel's client uses too).

It sits above the product's packages: it imports coach and bot, and nothing in coach imports it at
module level (`coach up` imports ops.run when it runs)."""
