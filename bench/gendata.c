/*
 * bench/gendata.c: deterministic bulk data for innkeep's benchmarks, as
 * PostgreSQL COPY text on standard output (one table per run), to be piped
 * into "\copy TABLE (COLUMNS) FROM STDIN". bench/gendata.sh drives it; it is
 * built on demand there (cc -O2), not by the Autotools build.
 *
 *   gendata -t users|properties|bookings|info -n LISTINGS -m BOOKINGS
 *           [-s SEED] [-d TODAY] [-u USER_BASE] [-p PROPERTY_BASE]
 *           [-b BOOKING_BASE] [-h PASSWORD_HASH] [-x HOT_SHARE]
 *           [-j PARTS -O PREFIX]
 *
 * With -j, the rows are split by listing (ranges of listings, so each part
 * touches its own region of the indexes) into the existing files or FIFOs
 * PREFIX.0 ... PREFIX.PARTS-1, for as many COPYs at once, each written by its
 * own process; the rows and their order within a part do not change.
 *
 * The same arguments give the same bytes: every listing draws from its own
 * splitmix64 stream (seed, purpose, index), so the three tables can be
 * written by three processes at once and still agree (the bookings know
 * each listing's owner, price, currency and size without reading them back).
 * TODAY (YYYY-MM-DD, default: today in UTC) anchors every date; "now" is
 * TODAY at 00:00 UTC.
 *
 * The data:
 *  - users: ceil(LISTINGS / 5) hosts host000001... then max(1, BOOKINGS / 20)
 *    guests guest000001..., e-mail USERNAME@example.test, all with the same
 *    password hash (-h), created before any listing; ids USER_BASE + 1...
 *  - properties: ids PROPERTY_BASE + 1..., created_at rising with the id
 *    over the 3 years before TODAY (ids and creation times correlate as in
 *    a live table); a city out of ~200 with a Zipf-like popularity (the
 *    first, Paris, holds about 5 %); owners skewed (30 % of the listings
 *    belong to the 2 % "professional" hosts); names, descriptions and
 *    addresses from word lists; price 20.00-900.00, log-normal around 110;
 *    currency by country (EUR, GBP, else USD); max_guests 1-16; policies
 *    mixed; 2 % unlisted. Ratings stay at zero (no reviews are made).
 *  - bookings: BOOKINGS in all, spread over the listings in proportion to
 *    how long each has existed (times a random factor); per listing, stays
 *    of 1-14 nights placed one per slot between its creation and TODAY +
 *    240 days, so active stays never overlap. Past stays are completed (90
 *    %) or cancelled; a stay over TODAY is confirmed; future ones confirmed
 *    (65 %), pending (20 %) or cancelled. In the largest city, HOT_SHARE
 *    (0.98) of the listings have a confirmed or pending stay over the "hot
 *    week" (the first 7 nights of next month), and any other stay of theirs
 *    that meets it is cancelled: searching that city for that week finds
 *    almost nothing free, the worst case of bench/properties.sh. Rows come
 *    out in creation order (ids rise with created_at), host_id is the
 *    owner, the guest never the host, guests <= max_guests, total_price =
 *    nights x price.
 *  - info: key=value lines (user counts, the hot city and week).
 *
 * Memory: 40 bytes per booking plus 24 per listing (10M bookings: ~0.45 GB).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#define DAY_US		(86400LL * 1000000LL)
#define HOUR_US		(3600LL * 1000000LL)
#define HISTORY_DAYS	(3 * 365)	/* listings created over 3 years */
#define FUTURE_DAYS	240		/* bookings reach TODAY + 240 days */
#define HOT_NIGHTS	7

enum purpose { S_PROP = 1, S_TEXT, S_WEIGHT, S_BOOK, S_USER };
enum status { ST_PENDING, ST_CONFIRMED, ST_CANCELLED, ST_COMPLETED };
static const char *const status_names[] = {
	"pending", "confirmed", "cancelled", "completed"
};

struct city {
	const char	*name;
	const char	*country;
	const char	*currency;
};

/* In order of popularity: weight 1 / (rank + 5), so Paris holds ~5 %. */
static const struct city cities[] = {
	{ "Paris", "France", "EUR" },
	{ "London", "United Kingdom", "GBP" },
	{ "New York", "United States", "USD" },
	{ "Rome", "Italy", "EUR" },
	{ "Barcelona", "Spain", "EUR" },
	{ "Lisbon", "Portugal", "EUR" },
	{ "Tokyo", "Japan", "USD" },
	{ "Amsterdam", "Netherlands", "EUR" },
	{ "Berlin", "Germany", "EUR" },
	{ "Los Angeles", "United States", "USD" },
	{ "Madrid", "Spain", "EUR" },
	{ "Istanbul", "Turkey", "USD" },
	{ "Prague", "Czech Republic", "USD" },
	{ "Vienna", "Austria", "EUR" },
	{ "Mexico City", "Mexico", "USD" },
	{ "Bangkok", "Thailand", "USD" },
	{ "Miami", "United States", "USD" },
	{ "Dubai", "United Arab Emirates", "USD" },
	{ "Sydney", "Australia", "USD" },
	{ "Florence", "Italy", "EUR" },
	{ "Rio de Janeiro", "Brazil", "USD" },
	{ "Buenos Aires", "Argentina", "USD" },
	{ "Athens", "Greece", "EUR" },
	{ "Budapest", "Hungary", "USD" },
	{ "Dublin", "Ireland", "EUR" },
	{ "Venice", "Italy", "EUR" },
	{ "Toronto", "Canada", "USD" },
	{ "San Francisco", "United States", "USD" },
	{ "Copenhagen", "Denmark", "USD" },
	{ "Edinburgh", "United Kingdom", "GBP" },
	{ "Seville", "Spain", "EUR" },
	{ "Porto", "Portugal", "EUR" },
	{ "Milan", "Italy", "EUR" },
	{ "Munich", "Germany", "EUR" },
	{ "Montréal", "Canada", "USD" },
	{ "Chicago", "United States", "USD" },
	{ "Melbourne", "Australia", "USD" },
	{ "Singapore", "Singapore", "USD" },
	{ "Hong Kong", "China", "USD" },
	{ "Seoul", "South Korea", "USD" },
	{ "Kyoto", "Japan", "USD" },
	{ "Cape Town", "South Africa", "USD" },
	{ "Marrakesh", "Morocco", "USD" },
	{ "Ubud", "Indonesia", "USD" },
	{ "Nice", "France", "EUR" },
	{ "Naples", "Italy", "EUR" },
	{ "Valencia", "Spain", "EUR" },
	{ "Stockholm", "Sweden", "USD" },
	{ "Kraków", "Poland", "USD" },
	{ "Brussels", "Belgium", "EUR" },
	{ "Las Vegas", "United States", "USD" },
	{ "New Orleans", "United States", "USD" },
	{ "Vancouver", "Canada", "USD" },
	{ "Honolulu", "United States", "USD" },
	{ "Cancún", "Mexico", "USD" },
	{ "Hanoi", "Vietnam", "USD" },
	{ "Ho Chi Minh City", "Vietnam", "USD" },
	{ "Zürich", "Switzerland", "USD" },
	{ "Oslo", "Norway", "USD" },
	{ "Helsinki", "Finland", "EUR" },
	{ "Reykjavík", "Iceland", "USD" },
	{ "Split", "Croatia", "EUR" },
	{ "Dubrovnik", "Croatia", "EUR" },
	{ "Malaga", "Spain", "EUR" },
	{ "Palma", "Spain", "EUR" },
	{ "Bordeaux", "France", "EUR" },
	{ "Lyon", "France", "EUR" },
	{ "Marseille", "France", "EUR" },
	{ "Hamburg", "Germany", "EUR" },
	{ "Warsaw", "Poland", "USD" },
	{ "Tallinn", "Estonia", "EUR" },
	{ "Riga", "Latvia", "EUR" },
	{ "Vilnius", "Lithuania", "EUR" },
	{ "Ljubljana", "Slovenia", "EUR" },
	{ "Salzburg", "Austria", "EUR" },
	{ "Geneva", "Switzerland", "USD" },
	{ "Bruges", "Belgium", "EUR" },
	{ "Manchester", "United Kingdom", "GBP" },
	{ "Bath", "United Kingdom", "GBP" },
	{ "Glasgow", "United Kingdom", "GBP" },
	{ "Liverpool", "United Kingdom", "GBP" },
	{ "Austin", "United States", "USD" },
	{ "Nashville", "United States", "USD" },
	{ "Seattle", "United States", "USD" },
	{ "Boston", "United States", "USD" },
	{ "Washington", "United States", "USD" },
	{ "San Diego", "United States", "USD" },
	{ "Denver", "United States", "USD" },
	{ "Portland", "United States", "USD" },
	{ "Savannah", "United States", "USD" },
	{ "Charleston", "United States", "USD" },
	{ "Santa Fe", "United States", "USD" },
	{ "Philadelphia", "United States", "USD" },
	{ "Quebec City", "Canada", "USD" },
	{ "Osaka", "Japan", "USD" },
	{ "Taipei", "Taiwan", "USD" },
	{ "Kuala Lumpur", "Malaysia", "USD" },
	{ "Chiang Mai", "Thailand", "USD" },
	{ "Phuket", "Thailand", "USD" },
	{ "Mumbai", "India", "USD" },
	{ "Goa", "India", "USD" },
	{ "Jaipur", "India", "USD" },
	{ "Kathmandu", "Nepal", "USD" },
	{ "Colombo", "Sri Lanka", "USD" },
	{ "Auckland", "New Zealand", "USD" },
	{ "Queenstown", "New Zealand", "USD" },
	{ "Wellington", "New Zealand", "USD" },
	{ "Brisbane", "Australia", "USD" },
	{ "Perth", "Australia", "USD" },
	{ "Hobart", "Australia", "USD" },
	{ "Lima", "Peru", "USD" },
	{ "Cusco", "Peru", "USD" },
	{ "Santiago", "Chile", "USD" },
	{ "Bogotá", "Colombia", "USD" },
	{ "Medellín", "Colombia", "USD" },
	{ "Cartagena", "Colombia", "USD" },
	{ "Quito", "Ecuador", "USD" },
	{ "Montevideo", "Uruguay", "USD" },
	{ "São Paulo", "Brazil", "USD" },
	{ "Salvador", "Brazil", "USD" },
	{ "Florianópolis", "Brazil", "USD" },
	{ "Havana", "Cuba", "USD" },
	{ "San Juan", "Puerto Rico", "USD" },
	{ "Oaxaca", "Mexico", "USD" },
	{ "Tulum", "Mexico", "USD" },
	{ "Playa del Carmen", "Mexico", "USD" },
	{ "Puerto Vallarta", "Mexico", "USD" },
	{ "Antigua", "Guatemala", "USD" },
	{ "San José", "Costa Rica", "USD" },
	{ "Panama City", "Panama", "USD" },
	{ "Cairo", "Egypt", "USD" },
	{ "Tunis", "Tunisia", "USD" },
	{ "Fez", "Morocco", "USD" },
	{ "Essaouira", "Morocco", "USD" },
	{ "Nairobi", "Kenya", "USD" },
	{ "Zanzibar", "Tanzania", "USD" },
	{ "Johannesburg", "South Africa", "USD" },
	{ "Windhoek", "Namibia", "USD" },
	{ "Tel Aviv", "Israel", "USD" },
	{ "Amman", "Jordan", "USD" },
	{ "Beirut", "Lebanon", "USD" },
	{ "Muscat", "Oman", "USD" },
	{ "Doha", "Qatar", "USD" },
	{ "Abu Dhabi", "United Arab Emirates", "USD" },
	{ "Tbilisi", "Georgia", "USD" },
	{ "Yerevan", "Armenia", "USD" },
	{ "Baku", "Azerbaijan", "USD" },
	{ "Sofia", "Bulgaria", "USD" },
	{ "Bucharest", "Romania", "USD" },
	{ "Belgrade", "Serbia", "USD" },
	{ "Sarajevo", "Bosnia and Herzegovina", "USD" },
	{ "Kotor", "Montenegro", "EUR" },
	{ "Tirana", "Albania", "USD" },
	{ "Thessaloniki", "Greece", "EUR" },
	{ "Santorini", "Greece", "EUR" },
	{ "Mykonos", "Greece", "EUR" },
	{ "Heraklion", "Greece", "EUR" },
	{ "Valletta", "Malta", "EUR" },
	{ "Nicosia", "Cyprus", "EUR" },
	{ "Antalya", "Turkey", "USD" },
	{ "Bodrum", "Turkey", "USD" },
	{ "Izmir", "Turkey", "USD" },
	{ "Granada", "Spain", "EUR" },
	{ "Bilbao", "Spain", "EUR" },
	{ "San Sebastián", "Spain", "EUR" },
	{ "Ibiza", "Spain", "EUR" },
	{ "Las Palmas", "Spain", "EUR" },
	{ "Santa Cruz de Tenerife", "Spain", "EUR" },
	{ "Funchal", "Portugal", "EUR" },
	{ "Faro", "Portugal", "EUR" },
	{ "Lagos", "Portugal", "EUR" },
	{ "Turin", "Italy", "EUR" },
	{ "Bologna", "Italy", "EUR" },
	{ "Palermo", "Italy", "EUR" },
	{ "Verona", "Italy", "EUR" },
	{ "Genoa", "Italy", "EUR" },
	{ "Cagliari", "Italy", "EUR" },
	{ "Sorrento", "Italy", "EUR" },
	{ "Toulouse", "France", "EUR" },
	{ "Strasbourg", "France", "EUR" },
	{ "Montpellier", "France", "EUR" },
	{ "Annecy", "France", "EUR" },
	{ "Chamonix", "France", "EUR" },
	{ "Biarritz", "France", "EUR" },
	{ "Cologne", "Germany", "EUR" },
	{ "Frankfurt", "Germany", "EUR" },
	{ "Dresden", "Germany", "EUR" },
	{ "Leipzig", "Germany", "EUR" },
	{ "Heidelberg", "Germany", "EUR" },
	{ "Rotterdam", "Netherlands", "EUR" },
	{ "Utrecht", "Netherlands", "EUR" },
	{ "Antwerp", "Belgium", "EUR" },
	{ "Ghent", "Belgium", "EUR" },
	{ "Luxembourg", "Luxembourg", "EUR" },
	{ "Bergen", "Norway", "USD" },
	{ "Gothenburg", "Sweden", "USD" },
	{ "Aarhus", "Denmark", "USD" },
	{ "Gdańsk", "Poland", "USD" },
	{ "Wrocław", "Poland", "USD" },
	{ "Brno", "Czech Republic", "USD" },
	{ "Innsbruck", "Austria", "EUR" },
	{ "Lucerne", "Switzerland", "USD" },
	{ "Interlaken", "Switzerland", "USD" },
	{ "Galway", "Ireland", "EUR" },
	{ "Cork", "Ireland", "EUR" },
	{ "Cardiff", "United Kingdom", "GBP" },
	{ "York", "United Kingdom", "GBP" },
	{ "Brighton", "United Kingdom", "GBP" },
	{ "Oxford", "United Kingdom", "GBP" },
	{ "Cambridge", "United Kingdom", "GBP" },
};
#define NCITIES (sizeof(cities) / sizeof(cities[0]))
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const adjectives[] = {
	"Sunny", "Cozy", "Bright", "Quiet", "Charming", "Spacious", "Modern",
	"Rustic", "Elegant", "Stylish", "Peaceful", "Historic", "Airy",
	"Comfortable", "Lovely", "Family-friendly", "Minimalist", "Renovated",
	"Luxurious", "Romantic", "Hidden", "Colourful", "Light-filled",
	"Secluded", "Central", "Calm", "Classic", "Designer", "Tranquil",
	"Welcoming", "Boutique", "Restored", "Artsy", "Garden-level", "Breezy",
};
static const char *const kinds[] = {
	"apartment", "studio", "loft", "flat", "cottage", "villa", "cabin",
	"townhouse", "bungalow", "guesthouse", "penthouse", "room", "suite",
	"house", "chalet", "farmhouse", "condo", "duplex", "tiny house",
	"houseboat", "attic apartment", "garden flat",
};
static const char *const areas[] = {
	"the old town", "the city centre", "the harbour", "the beach",
	"the park", "the river", "the market", "the university", "the station",
	"the cathedral", "the waterfront", "the hills", "the old port",
	"the museum quarter", "the botanical garden", "the main square",
	"the lake", "the castle", "the promenade", "the art district",
};
static const char *const features[] = {
	"balcony", "terrace", "garden", "pool", "hot tub", "sea view",
	"fireplace", "rooftop terrace", "sauna", "free parking",
	"dedicated workspace", "courtyard", "river view", "mountain view",
	"city view", "private entrance", "bathtub", "patio", "bbq grill",
	"piano", "library", "home cinema", "gym", "bicycles",
};
static const char *const amenities[] = {
	"a washing machine", "a dishwasher", "an espresso machine",
	"air conditioning", "underfloor heating", "a smart TV",
	"blackout curtains", "a crib and a high chair", "a rain shower",
	"fresh linen and towels", "a well-stocked spice rack", "a Nespresso machine",
	"board games", "a yoga mat", "a hair dryer", "an iron",
};
static const char *const audiences[] = {
	"couples", "families", "business travellers", "groups of friends",
	"solo travellers", "remote workers", "long stays", "a weekend away",
};
static const char *const distances[] = {
	"a short walk", "five minutes on foot", "ten minutes on foot",
	"two tram stops", "a quick bus ride", "a stone's throw",
	"a fifteen-minute walk", "a few steps",
};
static const char *const streets[] = {
	"Oak", "Maple", "Church", "Station", "Market", "Harbour", "Mill",
	"King", "Queen", "Victoria", "Park", "High", "Garden", "River",
	"Castle", "Bridge", "Chapel", "Orchard", "Rose", "Willow", "Cedar",
	"Elm", "Spring", "Hill", "Lake", "Meadow", "Forest", "North", "South",
	"Sunset", "Harbor", "Pine", "Beacon", "Abbey", "Windsor", "Union",
};
static const char *const street_kinds[] = {
	"Street", "Road", "Lane", "Avenue", "Square", "Place", "Terrace",
	"Way", "Close", "Row",
};
static const char *const fr_streets[] = {
	"de la République", "Victor Hugo", "des Lilas", "du Marché",
	"Saint-Michel", "de la Paix", "des Écoles", "du Port", "Pasteur",
	"Jean Jaurès", "des Fleurs", "de l'Église",
};
static const char *const it_streets[] = {
	"Roma", "Garibaldi", "Mazzini", "dei Mille", "Dante", "Cavour",
	"del Corso", "della Repubblica", "Verdi", "San Giovanni", "Nazionale",
};
static const char *const es_streets[] = {
	"Mayor", "del Sol", "de la Paz", "Real", "Nueva", "San Juan",
	"de Cervantes", "del Carmen", "de Alcalá", "Colón", "de la Luna",
};
static const char *const de_streets[] = {
	"Haupt", "Bahnhof", "Schiller", "Goethe", "Garten", "Kirch", "Linden",
	"Berg", "Mühlen", "Rosen", "Wald",
};
static const char *const first_names[] = {
	"Ana", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo",
	"Ingrid", "Jamal", "Kenji", "Lena", "Marco", "Nadia", "Oliver",
	"Priya", "Quentin", "Rosa", "Sven", "Tara", "Umar", "Valeria", "Wei",
	"Ximena", "Yusuf", "Zoe", "Lucas", "Mia", "Noah", "Sofia", "Liam",
	"Aisha", "Mateo", "Hana", "Tomás", "Elif", "Jonas", "Amara", "Pablo",
};
static const char *const last_names[] = {
	"Smith", "García", "Müller", "Rossi", "Dubois", "Silva", "Nowak",
	"Kowalski", "Jensen", "Tanaka", "Kim", "Nguyen", "Patel", "Haddad",
	"Okafor", "Johansson", "Costa", "Novak", "Fischer", "Martin", "Lopez",
	"Ivanova", "O'Brien", "Moreau", "Bianchi", "Yilmaz", "Chen", "Santos",
};

/* ------------------------------------------------------------ random */

static uint64_t
mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct rng {
	uint64_t	 s;
};

static uint64_t	 seed;

/* The stream of one purpose and one index: independent of every other. */
static void
rng_init(struct rng *r, enum purpose p, uint64_t i)
{
	r->s = mix64(mix64(seed ^ mix64((uint64_t)p)) ^ i);
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t	 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n). */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#define PICK(r, a) ((a)[rng_below((r), N(a))])

/* A standard normal deviate (Box-Muller, one of the pair). */
static double
rng_normal(struct rng *r)
{
	double	 u = 1.0 - rng_unit(r), v = rng_unit(r);

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ------------------------------------------------------------ dates */

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *py, unsigned *pm, unsigned *pd)
{
	int64_t		 era, y;
	unsigned	 doe, yoe, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*pd = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*pm = m;
	*py = (int)(y + (m <= 2));
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* ------------------------------------------------------------ output */

/* One output (standard output, or one of the -O files); rows go to *cur. */
struct out {
	int	 fd;
	size_t	 len;
	char	 buf[1 << 20];
};

#define MAXOUTS 16
static struct out	 outs[MAXOUTS];
static int		 nouts = 1;
static struct out	*cur = &outs[0];

static void
oflush(struct out *o)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < o->len) {
		n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("gendata: write");
			exit(1);
		}
		off += (size_t)n;
	}
	o->len = 0;
}

static void
oflush_all(void)
{
	int	 i;

	for (i = 0; i < nouts; i++)
		oflush(&outs[i]);
}

/*
 * With several outputs, one process per output after the shared set-up (the
 * sorted bookings are shared copy-on-write): a slow COPY then never stalls
 * the others, as one writer blocked on its full pipe would.  Returns the
 * part this process writes.
 */
static int
parts_fork(void)
{
	pid_t	 pid;
	int	 i;

	fflush(NULL);
	for (i = 1; i < nouts; i++) {
		if ((pid = fork()) < 0) {
			perror("gendata: fork");
			exit(1);
		}
		if (pid == 0)
			return i;
	}
	return 0;
}

/* Flush this process's part, close every output, reap the other parts. */
static void
parts_end(int part)
{
	int	 i, st, rc = 0;

	oflush(&outs[part]);
	for (i = 0; i < nouts; i++)
		close(outs[i].fd);
	if (part != 0)
		exit(0);
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
	if (rc)
		exit(1);
}

/* Start a row in output o: every row is far below 64 KB. */
static void
orow_begin(struct out *o)
{
	cur = o;
	if (o->len > sizeof(o->buf) - 65536)
		oflush(o);
}

static void
oc(char c)
{
	cur->buf[cur->len++] = c;
}

/* Text for COPY: our words have no tab or backslash; "\n" is written as such. */
static void
os(const char *s)
{
	size_t	 n = strlen(s);

	memcpy(cur->buf + cur->len, s, n);
	cur->len += n;
}

static void
ou(uint64_t v)
{
	char	 t[24];
	int	 i = 0;

	do {
		t[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		oc(t[--i]);
}

static void
o0(unsigned v, int width)
{
	char	 t[12];
	int	 i;

	for (i = width - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	memcpy(cur->buf + cur->len, t, (size_t)width);
	cur->len += (size_t)width;
}

static void
ocents(uint64_t c)
{
	ou(c / 100);
	oc('.');
	o0((unsigned)(c % 100), 2);
}

static void
odate(int64_t day)
{
	int		 y;
	unsigned	 m, d;

	civil_from_days(day, &y, &m, &d);
	o0((unsigned)y, 4);
	oc('-');
	o0(m, 2);
	oc('-');
	o0(d, 2);
}

/* A timestamptz in UTC with microseconds. */
static void
ots(int64_t us)
{
	int64_t	 day = floordiv(us, DAY_US), rest = us - day * DAY_US;
	int64_t	 sec = rest / 1000000;

	odate(day);
	oc(' ');
	o0((unsigned)(sec / 3600), 2);
	oc(':');
	o0((unsigned)(sec / 60 % 60), 2);
	oc(':');
	o0((unsigned)(sec % 60), 2);
	oc('.');
	o0((unsigned)(rest % 1000000), 6);
	os("+00");
}

/* ------------------------------------------------------------ the model */

static int64_t	 nlistings, nbookings, nhosts, nguests, npro;
static int64_t	 user_base, prop_base, booking_base;
static int64_t	 today;		/* days since the epoch */
static int64_t	 now_us;	/* today 00:00 UTC */
static int64_t	 hot_start, hot_end;
static double	 hot_share = 0.98;
static const char *pwhash =
    "$argon2id$v=19$m=65536,t=2,p=1$bs55hWhKr3nH/wDwX8ZhAw$"
    "PlF8x19DIHvY2QV7Lkn/ZDJ/Gzhn85eIpKfdvf23gtc";
static double	 city_cum[NCITIES];

/* What the bookings need of a listing, and its draw order (S_PROP). */
struct prop {
	int64_t		 created;	/* us */
	int64_t		 updated;
	uint32_t	 owner;		/* host index */
	uint32_t	 price;		/* cents */
	uint16_t	 city;
	uint8_t		 max_guests;
	uint8_t		 policy;
	uint8_t		 listed;
};

static void
city_init(void)
{
	double	 t = 0;
	size_t	 i;

	for (i = 0; i < NCITIES; i++) {
		t += 1.0 / (double)(i + 5);
		city_cum[i] = t;
	}
	for (i = 0; i < NCITIES; i++)
		city_cum[i] /= t;
}

static uint16_t
city_pick(struct rng *r)
{
	double	 u = rng_unit(r);
	size_t	 lo = 0, hi = NCITIES - 1, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (city_cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (uint16_t)lo;
}

static void
prop_get(int64_t i, struct prop *p)
{
	struct rng	 r;
	double		 u, t0 = (double)(now_us - (int64_t)HISTORY_DAYS * DAY_US);
	double		 price;
	uint32_t	 cents;
	static const uint8_t guests[] = {
		1, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4, 5, 6, 6, 6, 7, 8, 8,
		10, 12, 14, 16,
	};

	rng_init(&r, S_PROP, (uint64_t)i);
	p->created = (int64_t)(t0 + ((double)i + rng_unit(&r)) *
	    ((double)HISTORY_DAYS * DAY_US) / (double)nlistings);
	p->city = city_pick(&r);
	if (rng_unit(&r) < 0.3)
		p->owner = rng_below(&r, (uint32_t)npro);
	else
		p->owner = rng_below(&r, (uint32_t)nhosts);
	/* Log-normal around 110, a little dearer in the big cities. */
	price = 110.0 * exp(0.6 * rng_normal(&r)) *
	    (p->city < 10 ? 1.25 : 1.0);
	if (price < 20)
		price = 20 + rng_unit(&r) * 10;
	if (price > 900)
		price = 900 - rng_unit(&r) * 100;
	cents = (uint32_t)price * 100;
	u = rng_unit(&r);
	if (u < 0.4)
		cents += 0;
	else if (u < 0.6)
		cents += 99;
	else if (u < 0.7)
		cents += 50;
	else
		cents += rng_below(&r, 100);
	if (cents > 90000)
		cents = 90000;
	p->price = cents;
	p->max_guests = guests[rng_below(&r, N(guests))];
	u = rng_unit(&r);
	p->policy = u < 0.35 ? 0 : u < 0.8 ? 1 : 2;
	p->listed = rng_unit(&r) >= 0.02;
	if (rng_unit(&r) < 0.3)
		p->updated = p->created + (int64_t)(rng_unit(&r) *
		    (double)(now_us - p->created));
	else
		p->updated = p->created;
}

/* ------------------------------------------------------------ text */

struct sb {
	char	 b[8192];
	size_t	 n;
};

static void
sb_add(struct sb *s, const char *t)
{
	size_t	 n = strlen(t);

	if (s->n + n >= sizeof(s->b))
		n = sizeof(s->b) - 1 - s->n;
	memcpy(s->b + s->n, t, n);
	s->n += n;
	s->b[s->n] = '\0';
}

/* The word with its first letter in lower case (the lists are ASCII there). */
static void
sb_lower(struct sb *s, const char *t)
{
	size_t	 at = s->n;

	sb_add(s, t);
	if (s->b[at] >= 'A' && s->b[at] <= 'Z')
		s->b[at] = (char)(s->b[at] - 'A' + 'a');
}

static void
sb_upper(struct sb *s, const char *t)
{
	size_t	 at = s->n;

	sb_add(s, t);
	if (s->b[at] >= 'a' && s->b[at] <= 'z')
		s->b[at] = (char)(s->b[at] - 'a' + 'A');
}

static void
sb_num(struct sb *s, uint64_t v)
{
	char	 t[24];

	snprintf(t, sizeof(t), "%" PRIu64, v);
	sb_add(s, t);
}

/* The listing's name; *kind is what it is (the description says it too). */
static void
make_name(struct rng *r, const struct prop *p, struct sb *s,
    const char **kind)
{
	const char	*f = PICK(r, features), *g = PICK(r, features);
	const char	*a = PICK(r, adjectives), *a2 = PICK(r, adjectives);
	const char	*k = PICK(r, kinds);

	*kind = k;
	s->n = 0;
	switch (rng_below(r, 7)) {
	case 0:
		sb_add(s, a);
		sb_add(s, " ");
		sb_add(s, k);
		sb_add(s, " near ");
		sb_add(s, PICK(r, areas));
		break;
	case 1:
		sb_add(s, a);
		sb_add(s, " ");
		sb_add(s, k);
		sb_add(s, " with ");
		sb_add(s, f);
		break;
	case 2:
		sb_add(s, a);
		sb_add(s, " ");
		sb_add(s, k);
		sb_add(s, " in ");
		sb_add(s, cities[p->city].name);
		break;
	case 3:
		sb_add(s, a);
		sb_add(s, " ");
		sb_add(s, k);
		sb_add(s, " in the heart of ");
		sb_add(s, cities[p->city].name);
		break;
	case 4:
		sb_add(s, a);
		sb_add(s, " ");
		sb_add(s, k);
		sb_add(s, ", ");
		sb_add(s, f);
		if (g != f) {
			sb_add(s, " and ");
			sb_add(s, g);
		}
		break;
	case 5:
		sb_add(s, "The ");
		sb_add(s, PICK(r, streets));
		sb_add(s, " ");
		sb_upper(s, k);
		break;
	default:
		sb_add(s, a);
		if (a2 != a) {
			sb_add(s, " and ");
			sb_lower(s, a2);
		}
		sb_add(s, " ");
		sb_add(s, k);
		sb_add(s, " by ");
		sb_add(s, PICK(r, areas));
		break;
	}
}

static void
make_description(struct rng *r, const struct prop *p, struct sb *s,
    const char *kind)
{
	const char	*f = PICK(r, features), *g = PICK(r, features);
	const char	*a = PICK(r, amenities), *b = PICK(r, amenities);
	static const char *const hoods[] = {
		"cafés, bakeries and a small supermarket",
		"a weekly farmers' market and good restaurants",
		"plenty of restaurants and a lively bar scene",
		"quiet streets, a playground and a pharmacy",
		"galleries, vintage shops and street food",
	};
	static const char *const checkins[] = {
		"Check-in is from 3 pm",
		"Self check-in with a keypad",
		"Check-in with a lockbox, any time after 2 pm",
		"The host welcomes you in person",
	};
	static const char *const rules[] = {
		"No smoking, no parties.", "Pets are welcome.",
		"Sorry, no pets.", "Quiet hours after 10 pm.",
		"Not suitable for infants.",
	};

	s->n = 0;
	sb_add(s, "This ");
	sb_lower(s, PICK(r, adjectives));
	sb_add(s, " ");
	sb_add(s, kind);
	if (rng_below(r, 2)) {
		sb_add(s, " in ");
		sb_add(s, cities[p->city].name);
	}
	sb_add(s, " is ");
	sb_add(s, PICK(r, distances));
	sb_add(s, " from ");
	sb_add(s, PICK(r, areas));
	sb_add(s, ". ");
	if (p->max_guests == 1)
		sb_add(s, "It is made for one guest. ");
	else {
		sb_add(s, "It sleeps ");
		sb_num(s, p->max_guests);
		sb_add(s, " guests in ");
		sb_num(s, (uint64_t)(p->max_guests + 1) / 2);
		sb_add(s, (p->max_guests + 1) / 2 == 1 ?
		    " bedroom. " : " bedrooms. ");
	}
	sb_add(s, "Guests love the ");
	sb_add(s, f);
	if (g != f) {
		sb_add(s, " and the ");
		sb_add(s, g);
	}
	sb_add(s, ". You will find fast wifi, a fully equipped kitchen");
	if (b != a) {
		sb_add(s, ", ");
		sb_add(s, b);
	}
	sb_add(s, " and ");
	sb_add(s, a);
	sb_add(s, ".");
	if (rng_below(r, 2)) {
		sb_add(s, " Perfect for ");
		sb_add(s, PICK(r, audiences));
		sb_add(s, ".");
	}
	if (rng_unit(r) < 0.4) {
		sb_add(s, " The neighbourhood has ");
		sb_add(s, PICK(r, hoods));
		sb_add(s, ".");
	}
	if (rng_unit(r) < 0.5) {
		sb_add(s, "\\n\\n");	/* a paragraph, as COPY text */
		sb_add(s, PICK(r, checkins));
		sb_add(s, rng_below(r, 2) ? "; check-out by 11 am." :
		    "; check-out by 10 am.");
		if (rng_unit(r) < 0.5) {
			sb_add(s, " ");
			sb_add(s, PICK(r, rules));
		}
	}
}

static void
make_address(struct rng *r, const struct prop *p, struct sb *s)
{
	const char	*c = cities[p->city].country;
	uint64_t	 n = 1 + rng_below(r, 180);
	static const char *const nl[] = {
		"Kerk", "Molen", "Prinsen", "Heren", "Keizers", "Linden",
		"Rozen", "Brouwers",
	};
	static const char *const pt[] = {
		"Augusta", "das Flores", "do Carmo", "da Prata", "de São Bento",
		"Garrett", "da Alegria", "do Sol",
	};

	s->n = 0;
	if (!strcmp(c, "France") || !strcmp(c, "Belgium") ||
	    !strcmp(c, "Luxembourg")) {
		sb_num(s, n);
		sb_add(s, " rue ");
		sb_add(s, PICK(r, fr_streets));
	} else if (!strcmp(c, "Italy")) {
		sb_add(s, "Via ");
		sb_add(s, PICK(r, it_streets));
		sb_add(s, " ");
		sb_num(s, n);
	} else if (!strcmp(c, "Spain") || !strcmp(c, "Mexico") ||
	    !strcmp(c, "Argentina") || !strcmp(c, "Colombia") ||
	    !strcmp(c, "Peru") || !strcmp(c, "Chile") ||
	    !strcmp(c, "Uruguay") || !strcmp(c, "Ecuador") ||
	    !strcmp(c, "Cuba") || !strcmp(c, "Costa Rica") ||
	    !strcmp(c, "Guatemala") || !strcmp(c, "Panama")) {
		sb_add(s, "Calle ");
		sb_add(s, PICK(r, es_streets));
		sb_add(s, " ");
		sb_num(s, n);
	} else if (!strcmp(c, "Germany") || !strcmp(c, "Austria") ||
	    !strcmp(c, "Switzerland")) {
		sb_add(s, PICK(r, de_streets));
		sb_add(s, "straße ");
		sb_num(s, n);
	} else if (!strcmp(c, "Netherlands")) {
		sb_add(s, PICK(r, nl));
		sb_add(s, "straat ");
		sb_num(s, n);
	} else if (!strcmp(c, "Portugal") || !strcmp(c, "Brazil")) {
		sb_add(s, "Rua ");
		sb_add(s, PICK(r, pt));
		sb_add(s, ", ");
		sb_num(s, n);
	} else {
		sb_num(s, n);
		sb_add(s, " ");
		sb_add(s, PICK(r, streets));
		sb_add(s, " ");
		sb_add(s, PICK(r, street_kinds));
	}
	if (rng_unit(r) < 0.4) {
		sb_add(s, ", apt ");
		sb_num(s, 1 + rng_below(r, 40));
	}
}

/* ------------------------------------------------------------ tables */

static void
emit_users(void)
{
	struct rng	 r;
	int64_t		 i, created;
	int64_t		 lo = now_us - (int64_t)(HISTORY_DAYS + 730) * DAY_US;
	int64_t		 span = (int64_t)730 * DAY_US;
	char		 name[32];

	for (i = 0; i < nhosts + nguests; i++) {
		rng_init(&r, S_USER, (uint64_t)i);
		if (i < nhosts)
			snprintf(name, sizeof(name), "host%06" PRId64, i + 1);
		else
			snprintf(name, sizeof(name), "guest%06" PRId64,
			    i - nhosts + 1);
		/* Before any listing (hosts) or the earliest stay (guests). */
		created = lo + (int64_t)(rng_unit(&r) * (double)span);
		orow_begin(&outs[(int64_t)nouts * i / (nhosts + nguests)]);
		ou((uint64_t)(user_base + 1 + i));
		oc('\t');
		os(name);
		oc('\t');
		os(name);
		os("@example.test\t");
		os(pwhash);
		oc('\t');
		os(PICK(&r, first_names));
		oc(' ');
		os(PICK(&r, last_names));
		oc('\t');
		ots(created);
		oc('\t');
		ots(created);
		oc('\n');
	}
	oflush_all();
}

static void
emit_properties(void)
{
	static const char *const policies[] = {
		"flexible", "moderate", "strict"
	};
	struct prop	 p;
	struct rng	 r;
	struct sb	 s;
	const char	*kind;
	int64_t		 i, end;
	int		 part;

	part = parts_fork();
	end = (int64_t)(part + 1) * nlistings / nouts;
	for (i = (int64_t)part * nlistings / nouts; i < end; i++) {
		prop_get(i, &p);
		rng_init(&r, S_TEXT, (uint64_t)i);
		orow_begin(&outs[part]);
		ou((uint64_t)(prop_base + 1 + i));
		oc('\t');
		ou((uint64_t)(user_base + 1 + p.owner));
		oc('\t');
		make_name(&r, &p, &s, &kind);
		os(s.b);
		oc('\t');
		make_description(&r, &p, &s, kind);
		os(s.b);
		oc('\t');
		make_address(&r, &p, &s);
		os(s.b);
		oc('\t');
		os(cities[p.city].name);
		oc('\t');
		os(cities[p.city].country);
		oc('\t');
		ocents(p.price);
		oc('\t');
		os(cities[p.city].currency);
		oc('\t');
		ou(p.max_guests);
		oc('\t');
		os(policies[p.policy]);
		oc('\t');
		os(p.listed ? "t" : "f");
		oc('\t');
		ots(p.created);
		oc('\t');
		ots(p.updated);
		oc('\n');
	}
	parts_end(part);
}

/* ------------------------------------------------------------ bookings */

struct bk {
	int64_t		 created;
	int64_t		 aux;		/* cancelled_at, or expires_at */
	int64_t		 updated;
	uint32_t	 prop;		/* listing index */
	uint32_t	 guest;		/* guest index */
	int32_t		 start;		/* day */
	uint16_t	 nights;
	uint8_t		 guests;
	uint8_t		 status;
};

struct pcore {
	int64_t		 created;
	uint32_t	 owner;
	uint32_t	 price;
	uint16_t	 city;
	uint8_t		 max_guests;
	uint8_t		 part;		/* output, by bookings before it */
};

static struct pcore	*pcs;
static struct bk	*bks;
static int64_t		 nbk;

static int
bk_cmp(const void *a, const void *b)
{
	const struct bk	*x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	if (x->prop != y->prop)
		return x->prop < y->prop ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int64_t
clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* One stay of listing i, with its times (all drawn from r). */
static void
bk_add(struct rng *r, uint32_t i, int64_t start, int64_t end, int status)
{
	const struct pcore *p = &pcs[i];
	struct bk	*b = &bks[nbk++];
	int64_t		 start_ts = start * DAY_US + 15 * HOUR_US;
	int64_t		 lim, lead;
	double		 u;

	b->prop = i;
	b->guest = rng_below(r, (uint32_t)nguests);
	b->start = (int32_t)start;
	b->nights = (uint16_t)(end - start);
	u = rng_unit(r);
	b->guests = (uint8_t)(1 + (int)(p->max_guests * u * u));
	if (status < 0) {
		/* by time: past, over today, future */
		u = rng_unit(r);
		if (end <= today)
			status = u < 0.9 ? ST_COMPLETED : ST_CANCELLED;
		else if (start < today)
			status = ST_CONFIRMED;
		else
			status = u < 0.65 ? ST_CONFIRMED :
			    u < 0.85 ? ST_PENDING : ST_CANCELLED;
	}
	b->status = (uint8_t)status;

	lim = (start_ts < now_us ? start_ts : now_us) - 60 * 1000000LL;
	if (lim < p->created)
		lim = p->created;
	if (status == ST_PENDING) {
		/* asked for within the last day, still to be paid */
		b->created = now_us - 60 * 1000000LL -
		    (int64_t)(rng_unit(r) * 20.0 * HOUR_US);
		if (b->created < p->created)
			b->created = p->created;
		b->aux = b->created + 24 * HOUR_US;
		b->updated = b->created;
		return;
	}
	u = rng_unit(r);
	lead = 1 + (int64_t)(120.0 * u * u * u);
	b->created = start * DAY_US - lead * DAY_US +
	    (int64_t)(rng_unit(r) * (double)DAY_US);
	if (b->created < p->created || b->created > lim)
		b->created = p->created + (int64_t)(rng_unit(r) *
		    (double)(lim - p->created));
	switch (status) {
	case ST_CANCELLED:
		b->aux = b->created + (int64_t)(rng_unit(r) *
		    (double)(lim - b->created));
		b->updated = b->aux;
		break;
	case ST_COMPLETED:
		b->aux = 0;
		b->updated = clamp64(end * DAY_US + 11 * HOUR_US,
		    b->created, now_us);
		break;
	default:	/* confirmed: paid some time after asking */
		b->aux = 0;
		b->updated = b->created + (int64_t)(rng_unit(r) *
		    (double)(lim - b->created));
		break;
	}
}

static uint16_t
nights_pick(struct rng *r)
{
	static const uint8_t n[] = {
		1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7, 7, 7, 8, 10, 14,
	};

	return n[rng_below(r, N(n))];
}

static void
make_bookings(void)
{
	struct prop	 p;
	struct rng	 r;
	double		*cum, t = 0, slot;
	int64_t		 i, j, k, prev = 0, w0, w1, a, b, len, L, s, e;
	int64_t		 hs, he, maxk = 0;
	int		 hot;

	pcs = calloc((size_t)nlistings, sizeof(*pcs));
	cum = calloc((size_t)nlistings + 1, sizeof(*cum));
	bks = calloc((size_t)(nbookings ? nbookings : 1), sizeof(*bks));
	if (pcs == NULL || cum == NULL || bks == NULL) {
		fprintf(stderr, "gendata: out of memory\n");
		exit(1);
	}
	w1 = today + FUTURE_DAYS;
	for (i = 0; i < nlistings; i++) {
		prop_get(i, &p);
		pcs[i].created = p.created;
		pcs[i].owner = p.owner;
		pcs[i].price = p.price;
		pcs[i].city = p.city;
		pcs[i].max_guests = p.max_guests;
		w0 = floordiv(p.created, DAY_US) + 1;
		rng_init(&r, S_WEIGHT, (uint64_t)i);
		t += (double)(w1 - w0) * (0.4 + 1.2 * rng_unit(&r));
		cum[i + 1] = t;
	}
	for (i = 0; i < nlistings; i++) {
		/* floor(M * cum / total): the counts add up to exactly M */
		if (i == nlistings - 1)
			k = nbookings - prev;
		else
			k = (int64_t)floor((double)nbookings * cum[i + 1] / t) -
			    prev;
		if (k < 0)
			k = 0;
		pcs[i].part = (uint8_t)(nbookings ? prev * nouts / nbookings : 0);
		prev += k;
		if (k > maxk)
			maxk = k;
		rng_init(&r, S_BOOK, (uint64_t)i);
		w0 = floordiv(pcs[i].created, DAY_US) + 1;
		hot = 0;
		hs = he = 0;
		if (pcs[i].city == 0 && k > 0 && rng_unit(&r) < hot_share) {
			hot = 1;
			hs = hot_start - rng_below(&r, 3);
			if (hs < today)
				hs = today;
			if (hs < w0)
				hs = w0;
			he = hot_end + rng_below(&r, 3);
			bk_add(&r, (uint32_t)i, hs, he,
			    rng_unit(&r) < 0.75 ? ST_CONFIRMED : ST_PENDING);
			k--;
		}
		if (k == 0)
			continue;
		slot = (double)(w1 - w0) / (double)k;
		if (slot < 1.0) {
			fprintf(stderr, "gendata: %" PRId64 " bookings for "
			    "listing %" PRId64 " do not fit its %" PRId64
			    " days: ask for fewer bookings per listing\n",
			    k, i, w1 - w0);
			exit(1);
		}
		for (j = 0; j < k; j++) {
			a = w0 + (int64_t)floor((double)j * slot);
			b = w0 + (int64_t)floor((double)(j + 1) * slot);
			len = b - a;
			L = nights_pick(&r);
			if (L > len)
				L = len;
			s = a + rng_below(&r, (uint32_t)(len - L + 1));
			e = s + L;
			/* stays that meet the hot one give way to it */
			bk_add(&r, (uint32_t)i, s, e,
			    hot && s < he && e > hs ? ST_CANCELLED : -1);
		}
	}
	free(cum);
	qsort(bks, (size_t)nbk, sizeof(*bks), bk_cmp);
	(void)maxk;
}

static void
emit_bookings(void)
{
	const struct bk	*b;
	const struct pcore *p;
	int64_t		 j;
	int		 part;

	make_bookings();
	part = parts_fork();
	for (j = 0; j < nbk; j++) {
		b = &bks[j];
		p = &pcs[b->prop];
		if (p->part != part)
			continue;
		orow_begin(&outs[part]);
		ou((uint64_t)(booking_base + 1 + j));
		oc('\t');
		ou((uint64_t)(prop_base + 1 + b->prop));
		oc('\t');
		ou((uint64_t)(user_base + 1 + p->owner));
		oc('\t');
		ou((uint64_t)(user_base + 1 + nhosts + b->guest));
		oc('\t');
		odate(b->start);
		oc('\t');
		odate(b->start + b->nights);
		oc('\t');
		ou(b->guests);
		oc('\t');
		ocents((uint64_t)p->price * b->nights);
		oc('\t');
		os(cities[p->city].currency);
		oc('\t');
		os(status_names[b->status]);
		oc('\t');
		ots(b->created);
		oc('\t');
		ots(b->updated);
		oc('\t');
		if (b->status == ST_PENDING)
			ots(b->aux);
		else
			os("\\N");
		oc('\t');
		if (b->status == ST_CANCELLED)
			ots(b->aux);
		else
			os("\\N");
		oc('\n');
	}
	parts_end(part);
}

/* ------------------------------------------------------------ main */

static void
emit_info(void)
{
	struct rng	 r;
	int64_t		 i, hot = 0;
	int		 y;
	unsigned	 m, d;

	for (i = 0; i < nlistings; i++) {
		rng_init(&r, S_PROP, (uint64_t)i);
		(void)rng_unit(&r);
		hot += city_pick(&r) == 0;
	}
	printf("hosts=%" PRId64 "\nguests=%" PRId64 "\n", nhosts, nguests);
	printf("hot_city=%s\nhot_country=%s\n", cities[0].name,
	    cities[0].country);
	civil_from_days(hot_start, &y, &m, &d);
	printf("hot_check_in=%04d-%02u-%02u\n", y, m, d);
	civil_from_days(hot_end, &y, &m, &d);
	printf("hot_check_out=%04d-%02u-%02u\n", y, m, d);
	printf("hot_listings=%" PRId64 "\nhot_share=%.2f\n", hot, hot_share);
	printf("cities=%zu\n", NCITIES);
}

static int64_t
num(const char *s, const char *what)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < 0) {
		fprintf(stderr, "gendata: %s: not a number: %s\n", what, s);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: gendata -t users|properties|bookings|info "
	    "-n LISTINGS -m BOOKINGS [-s SEED] [-d YYYY-MM-DD]\n"
	    "               [-j PARTS -O PREFIX] "
	    "               [-u USER_BASE] [-p PROPERTY_BASE] "
	    "[-b BOOKING_BASE] [-h PASSWORD_HASH] [-x HOT_SHARE]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*table = NULL, *prefix = NULL;
	char		 path[4096];
	int		 c, i, y;
	unsigned	 m, d;
	char		 tail;

	today = floordiv((int64_t)time(NULL), 86400);
	nlistings = -1;
	nbookings = -1;
	while ((c = getopt(argc, argv, "b:d:h:j:m:n:O:p:s:t:u:x:")) != -1) {
		switch (c) {
		case 'b':
			booking_base = num(optarg, "-b");
			break;
		case 'd':
			if (sscanf(optarg, "%d-%u-%u%c", &y, &m, &d, &tail) != 3
			    || m < 1 || m > 12 || d < 1 || d > 31) {
				fprintf(stderr, "gendata: -d: not a date "
				    "YYYY-MM-DD: %s\n", optarg);
				exit(2);
			}
			today = days_from_civil(y, m, d);
			break;
		case 'h':
			pwhash = optarg;
			break;
		case 'j':
			nouts = (int)num(optarg, "-j");
			if (nouts < 1 || nouts > MAXOUTS) {
				fprintf(stderr, "gendata: -j: 1 to %d\n", MAXOUTS);
				exit(2);
			}
			break;
		case 'm':
			nbookings = num(optarg, "-m");
			break;
		case 'O':
			prefix = optarg;
			break;
		case 'n':
			nlistings = num(optarg, "-n");
			break;
		case 'p':
			prop_base = num(optarg, "-p");
			break;
		case 's':
			seed = (uint64_t)num(optarg, "-s");
			break;
		case 't':
			table = optarg;
			break;
		case 'u':
			user_base = num(optarg, "-u");
			break;
		case 'x':
			hot_share = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (table == NULL || nlistings < 1 || nbookings < 0 || optind != argc ||
	    (nouts > 1 && prefix == NULL))
		usage();
	outs[0].fd = STDOUT_FILENO;
	for (i = 0; prefix != NULL && i < nouts; i++) {
		snprintf(path, sizeof(path), "%s.%d", prefix, i);
		if ((outs[i].fd = open(path, O_WRONLY)) < 0) {
			fprintf(stderr, "gendata: %s: %s\n", path,
			    strerror(errno));
			exit(1);
		}
	}
	if (nlistings > UINT32_MAX / 2 || nbookings > INT64_C(1) << 34) {
		fprintf(stderr, "gendata: too many rows\n");
		exit(2);
	}
	now_us = today * DAY_US;
	civil_from_days(today, &y, &m, &d);
	hot_start = m == 12 ? days_from_civil(y + 1, 1, 1) :
	    days_from_civil(y, m + 1, 1);
	hot_end = hot_start + HOT_NIGHTS;
	nhosts = (nlistings + 4) / 5;
	npro = nhosts / 50 > 0 ? nhosts / 50 : 1;
	nguests = nbookings / 20 > 0 ? nbookings / 20 : 1;
	city_init();

	if (!strcmp(table, "users"))
		emit_users();
	else if (!strcmp(table, "properties"))
		emit_properties();
	else if (!strcmp(table, "bookings"))
		emit_bookings();
	else if (!strcmp(table, "info"))
		emit_info();
	else
		usage();
	return 0;
}
