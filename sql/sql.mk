## sql/sql.mk: the migrations, installed into $(sqldir) and applied in name order
## by `innkeep migrate`. List every file explicitly (no wildcards).
dist_sql_DATA = \
	sql/0001_extensions.sql \
	sql/0002_users.sql \
	sql/0003_properties.sql \
	sql/0004_bookings.sql \
	sql/0005_payments.sql \
	sql/0006_reviews.sql \
	sql/0007_sessions_tokens.sql \
	sql/0008_jobs_notifications.sql \
	sql/0009_login_throttle.sql \
	sql/0010_property_search.sql
