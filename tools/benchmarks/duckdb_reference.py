"""Hand-written DuckDB queries that compute the reference pipelines' outputs from the same input files.

They are the single-machine floor `make bench` compares the Spark jobs against, and the independent
implementation the golden files in tests/golden/ are computed with. They restate each job's rules in SQL
(typed parsing, rejects, joins, aggregates); they share no code with the job scripts. A line with the wrong
number of fields is skipped here (ignore_errors) where the job quarantines it: neither counts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SALES_VALID = """
CREATE OR REPLACE TEMP VIEW sales_raw AS
    SELECT * FROM read_csv({sales}, header = true, ignore_errors = true, columns = {{
        'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'VARCHAR',
        'price': 'VARCHAR', 'order_date': 'VARCHAR', 'region': 'VARCHAR'}});
CREATE OR REPLACE TEMP VIEW customers AS
    SELECT * FROM read_csv({customers}, header = true, all_varchar = true);
CREATE OR REPLACE TEMP VIEW sales_typed AS
    SELECT TRY_CAST(trim(order_id) AS BIGINT) AS order_id, trim(customer_id) AS customer_id,
           trim(product_id) AS product_id, TRY_CAST(trim(quantity) AS INTEGER) AS quantity,
           TRY_CAST(trim(price) AS DOUBLE) AS price,
           CASE WHEN regexp_full_match(trim(order_date), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                THEN TRY_CAST(trim(order_date) AS DATE) END AS order_date,
           trim(region) AS region
    FROM sales_raw;
CREATE OR REPLACE TEMP VIEW sales_valid AS
    SELECT *, round(quantity * price, 2) AS total_amount FROM sales_typed
    WHERE order_id IS NOT NULL AND customer_id <> '' AND product_id <> '' AND quantity > 0 AND price >= 0
      AND order_date IS NOT NULL AND region <> ''
      AND customer_id IN (SELECT customer_id FROM customers);
"""

DAILY_SALES = """
SELECT order_date, region, round(sum(total_amount), 2) AS daily_revenue, count(order_id) AS daily_orders,
       count(DISTINCT customer_id) AS unique_customers
FROM sales_valid GROUP BY order_date, region ORDER BY order_date, region
"""

CUSTOMER_METRICS = """
SELECT s.customer_id, c.name, c.status, round(sum(total_amount), 2) AS total_spent,
       count(order_id) AS total_orders, round(avg(total_amount), 2) AS avg_order_value
FROM sales_valid s LEFT JOIN customers c USING (customer_id)
GROUP BY s.customer_id, c.name, c.status ORDER BY s.customer_id
"""


RETAIL_SALES = """
CREATE OR REPLACE TEMP VIEW store AS SELECT * FROM read_csv({store}, header = true, all_varchar = true);
CREATE OR REPLACE TEMP VIEW online AS SELECT * FROM read_csv({online}, header = true, all_varchar = true);
CREATE OR REPLACE TEMP VIEW sales_clean AS
    SELECT trim(sale_id) AS order_id, 'store' AS channel, trim(product_id) AS product_id,
           TRY_CAST(trim(quantity) AS INTEGER) AS quantity, TRY_CAST(trim(unit_price) AS DOUBLE) AS unit_price,
           round(TRY_CAST(trim(quantity) AS INTEGER) * TRY_CAST(trim(unit_price) AS DOUBLE), 2) AS revenue,
           TRY_CAST(trim(sale_date) AS DATE) AS sale_date, lower(trim(region)) AS region
    FROM store
    UNION ALL
    SELECT trim(order_id), 'online', trim(sku), TRY_CAST(trim(qty) AS INTEGER),
           round(TRY_CAST(trim(amount) AS DOUBLE) / TRY_CAST(trim(qty) AS INTEGER), 2),
           TRY_CAST(trim(amount) AS DOUBLE),
           CAST(TRY_STRPTIME(trim(order_ts), '%Y-%m-%d %H:%M:%S') AS DATE), lower(trim(ship_region))
    FROM online;
CREATE OR REPLACE TEMP VIEW sales_valid AS
    SELECT * FROM sales_clean
    WHERE order_id <> '' AND product_id <> '' AND quantity IS NOT NULL AND unit_price IS NOT NULL
      AND revenue IS NOT NULL AND sale_date IS NOT NULL AND region <> '';
"""

DAILY_REVENUE = """
SELECT sale_date, region, channel, round(sum(revenue), 2) AS revenue, count(order_id) AS orders,
       sum(quantity) AS units
FROM sales_valid GROUP BY ALL ORDER BY sale_date, region, channel
"""

PRODUCT_PERFORMANCE = """
SELECT product_id, sum(quantity) AS units, round(sum(revenue), 2) AS revenue, count(order_id) AS orders,
       dense_rank() OVER (ORDER BY round(sum(revenue), 2) DESC) AS revenue_rank
FROM sales_valid GROUP BY product_id ORDER BY product_id
"""

COVID_HIRING = """
WITH cases AS (
    SELECT TRY_CAST(trim(date) AS DATE) AS date, TRY_CAST(trim(cases) AS BIGINT) AS cases,
           TRY_CAST(trim(deaths) AS BIGINT) AS deaths
    FROM read_csv({cases}, header = true, all_varchar = true)
), hiring AS (
    SELECT TRY_CAST(trim(date) AS DATE) AS date, trim(industry) AS industry,
           TRY_CAST(trim(hiring_rate) AS DOUBLE) AS hiring_rate
    FROM read_csv({hiring}, header = true, all_varchar = true)
), national AS (
    SELECT date, sum(cases) AS total_cases, sum(deaths) AS total_deaths FROM cases GROUP BY date
), daily AS (
    SELECT *, total_cases - coalesce(lag(total_cases) OVER (ORDER BY date), 0) AS new_cases FROM national
), mean_hiring AS (
    SELECT date, round(avg(hiring_rate), 4) AS avg_hiring_rate, count(industry) AS industries
    FROM hiring GROUP BY date
)
SELECT d.date, d.total_cases, d.new_cases, d.total_deaths, h.avg_hiring_rate, h.industries
FROM daily d JOIN mean_hiring h USING (date) ORDER BY d.date
"""

PURCHASES = """
SELECT TRY_CAST(trim(customer_id) AS INTEGER) AS customer_id, trim(name) AS customer_name, trim(email) AS email,
       TRY_CAST(trim(purchase_amount) AS DOUBLE) AS purchase_amount, trim(purchase_date) AS purchase_date
FROM read_csv({purchases}, header = true, all_varchar = true) ORDER BY customer_id
"""

Table = tuple[list[str], list[tuple[Any, ...]]]


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _table(con: Any, sql: str) -> Table:
    cursor = con.execute(sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


def sales_tables(con: Any, sales_files: list[Path], customers_file: Path) -> dict[str, Table]:
    """sales_analytics: daily_sales and customer_metrics for `sales_files` (CSV with a header) and customers."""
    con.execute(SALES_VALID.format(sales=_sql_list(sales_files), customers=_sql_list([customers_file])))
    return {"daily_sales": _table(con, DAILY_SALES), "customer_metrics": _table(con, CUSTOMER_METRICS)}


def retail_tables(con: Any, store_file: Path, online_file: Path) -> dict[str, Table]:
    """retail_nightly: daily_revenue and product_performance."""
    con.execute(RETAIL_SALES.format(store=_sql_list([store_file]), online=_sql_list([online_file])))
    return {"daily_revenue": _table(con, DAILY_REVENUE), "product_performance": _table(con, PRODUCT_PERFORMANCE)}


def covid_tables(con: Any, cases_file: Path, hiring_file: Path) -> dict[str, Table]:
    """covid_hiring: the joined covid_hiring table."""
    sql = COVID_HIRING.format(cases=_sql_list([cases_file]), hiring=_sql_list([hiring_file]))
    return {"covid_hiring": _table(con, sql)}


def purchases_tables(con: Any, purchases_file: Path) -> dict[str, Table]:
    """customer_purchases: the mapped output table."""
    return {"output": _table(con, PURCHASES.format(purchases=_sql_list([purchases_file])))}


def write_sales_outputs(con: Any, sales_files: list[Path], customers_file: Path, out: Path) -> None:
    """The work the process_sales job does on a first run, in DuckDB: the same Parquet outputs under `out`
    (`sales_clean/` and `daily_sales/` partitioned by order_date, one `customer_metrics/` file, and the rejected
    lines under `quarantine/`), so `make bench` compares equal work."""
    con.execute(SALES_VALID.format(sales=_sql_list(sales_files), customers=_sql_list([customers_file])))
    # One row per order_id, as the job's merge keeps (which copy wins within one batch is arbitrary there too).
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sales_clean AS SELECT * FROM sales_valid "
        "QUALIFY row_number() OVER (PARTITION BY order_id) = 1"
    )
    # Every typed line that is not a clean order; lines with the wrong field count are skipped by read_csv here.
    rejected = """
        SELECT CAST(order_id AS VARCHAR) AS order_id, customer_id, product_id, CAST(quantity AS VARCHAR) AS quantity,
               CAST(price AS VARCHAR) AS price, CAST(order_date AS VARCHAR) AS order_date, region
        FROM sales_typed t
        WHERE NOT (order_id IS NOT NULL AND customer_id <> '' AND product_id <> '' AND quantity > 0 AND price >= 0
                   AND order_date IS NOT NULL AND region <> '' AND customer_id IN (SELECT customer_id FROM customers))
           OR order_id IS NULL OR quantity IS NULL OR price IS NULL OR order_date IS NULL
    """
    target = {name: str(out / name).replace("'", "''") for name in ("sales_clean", "daily_sales", "customer_metrics")}
    (out / "customer_metrics").mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY sales_clean TO '{target['sales_clean']}' (FORMAT parquet, PARTITION_BY (order_date), OVERWRITE)")
    con.execute(
        f"COPY ({DAILY_SALES}) TO '{target['daily_sales']}' (FORMAT parquet, PARTITION_BY (order_date), OVERWRITE)"
    )
    con.execute(f"COPY ({CUSTOMER_METRICS}) TO '{target['customer_metrics']}/part-0.parquet' (FORMAT parquet)")
    quarantine = out / "quarantine"
    quarantine.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY ({rejected}) TO '{str(quarantine / 'part-0.parquet').replace(chr(39), chr(39) * 2)}' (FORMAT parquet)"
    )
