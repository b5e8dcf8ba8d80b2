#!/usr/bin/env python3
"""script/lib/demo/make_demo.py: writes script/lib/demo/demo.sql, the demo data
that script/server loads into an empty database.

    python3 script/lib/demo/make_demo.py > script/lib/demo/demo.sql

Deterministic (a fixed seed): run it again after changing the lists below and
commit both files. The SQL holds no absolute date: stays are CURRENT_DATE plus or
minus days and times are now() minus hours, so the data is fresh on any day.

What it makes: about 100 users, all with the password DEMO_PASSWORD (one Argon2id hash
from libsodium's crypto_pwhash_str, argon2id, opslimit/memlimit INTERACTIVE, as
innkeep makes them); about 300 listings in 70 real cities with their own
neighbourhoods and streets, priced mostly in USD, in EUR in the euro area and in
GBP in the United Kingdom; bookings of every kind (completed and cancelled stays
in the past, confirmed, pending and cancelled ones to come) that never share a
night; and reviews of about two thirds of the completed stays, which the trigger
of 0006 turns into the listings' ratings. The named demo accounts (DEMO_LOGINS)
each have a story: hosts with requests to answer, guests with stays to review.
"""

import random

DEMO_PASSWORD = "innkeep-demo"
# crypto_pwhash_str_alg("innkeep-demo", OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE,
# ALG_ARGON2ID13), computed once.
HASH = ("$argon2id$v=19$m=65536,t=2,p=1$bs55hWhKr3nH/wDwX8ZhAw$"
        "PlF8x19DIHvY2QV7Lkn/ZDJ/Gzhn85eIpKfdvf23gtc")

rnd = random.Random(20261122)

# username, display name, role, bio
NAMED = [
    ("alice", "Alice Martin", "host",
     "Architect turned host. I look after a handful of flats in Lisbon, Paris and New York."),
    ("carol", "Carol Nguyen", "host",
     "I grew up by the sea and now host beach houses and cabins. Early riser, late replier."),
    ("erin", "Erin O'Sullivan", "both",
     "Dublin-born, Barcelona-based. I host two flats and travel the rest of the year."),
    ("bob", "Bob Fischer", "guest",
     "Software tester on the road. Quiet guest, big fan of good coffee machines."),
    ("dave", "Dave Okafor", "guest", "Travelling with my partner and our two kids."),
    ("frank", "Frank Rossi", "guest", ""),
]
DEMO_LOGINS = "alice, carol (hosts), erin (host and guest), bob, dave, frank (guests)"

OTHER_HOSTS = [
    ("marie_dupont", "Marie Dupont"), ("kenji_tanaka", "Kenji Tanaka"),
    ("lucia_garcia", "Lucía García"), ("tom_baker", "Tom Baker"),
    ("sofia_costa", "Sofia Costa"), ("jonas_weber", "Jonas Weber"),
    ("priya_patel", "Priya Patel"), ("ahmed_haddad", "Ahmed Haddad"),
    ("hana_kim", "Hana Kim"), ("mateo_lopez", "Mateo López"),
    ("grace_chen", "Grace Chen"), ("liam_murphy", "Liam Murphy"),
    ("elif_yilmaz", "Elif Yılmaz"), ("noah_johnson", "Noah Johnson"),
    ("amara_nwosu", "Amara Nwosu"), ("isabel_santos", "Isabel Santos"),
    ("pieter_devries", "Pieter de Vries"), ("olivia_brown", "Olivia Brown"),
    ("marco_bianchi", "Marco Bianchi"), ("chloe_moreau", "Chloé Moreau"),
]
OTHER_GUESTS = [
    ("nadia_k", "Nadia K."), ("sam_taylor", "Sam Taylor"), ("yusuf_demir", "Yusuf Demir"),
    ("ingrid_l", "Ingrid Lund"), ("pablo_ruiz", "Pablo Ruiz"), ("mia_wong", "Mia Wong"),
    ("oscar_n", "Oscar Nilsson"), ("zoe_adams", "Zoë Adams"), ("raj_mehta", "Raj Mehta"),
    ("lena_h", "Lena Hoffmann"), ("diego_f", "Diego Fernández"), ("ana_p", "Ana Pereira"),
    ("will_s", "Will Scott"), ("aiko_m", "Aiko Mori"), ("felix_b", "Félix Bernard"),
    ("tara_r", "Tara Reddy"), ("hugo_l", "Hugo Laurent"), ("emma_w", "Emma Wilson"),
    ("omar_s", "Omar Saleh"),
]
# More guests, so that the named ones are not everyone's neighbour.
FIRST = ["Anna", "Ben", "Clara", "Daniel", "Eva", "Felipe", "Greta", "Henry", "Iris",
         "Jack", "Kira", "Leo", "Maya", "Nico", "Olga", "Paul", "Rita", "Simon", "Tess", "Victor"]
LAST = ["Andersen", "Brooks", "Carter", "Diaz", "Evans", "Ford", "Gomez", "Hughes", "Ito",
        "Jones", "Klein", "Lee", "Meyer", "Novak", "Ortiz", "Price", "Quinn", "Reyes"]

# city, country, currency, base price, address style, neighbourhoods,
# streets, landmarks, special kinds, listings
# address styles: "us" = "12 Street", "eu" = "Street 12", "es" = "Street, 12",
# "jp" = "1-2-3 Street"
CITIES = [
    ("New York", "United States", "USD", 190, "us",
     ["Williamsburg", "Harlem", "the West Village", "Park Slope", "the Lower East Side"],
     ["Bedford Avenue", "Lenox Avenue", "Bleecker Street", "7th Avenue", "Orchard Street"],
     ["Central Park", "the High Line", "Prospect Park", "the Brooklyn Bridge"],
     ["brownstone apartment", "loft"], 14),
    ("San Francisco", "United States", "USD", 185, "us",
     ["the Mission", "Nob Hill", "Haight-Ashbury", "North Beach"],
     ["Valencia Street", "Jones Street", "Haight Street", "Columbus Avenue"],
     ["Dolores Park", "the cable cars", "Golden Gate Park", "Coit Tower"],
     ["Victorian flat"], 8),
    ("Los Angeles", "United States", "USD", 170, "us",
     ["Silver Lake", "Venice", "Echo Park", "Santa Monica"],
     ["Sunset Boulevard", "Abbot Kinney Boulevard", "Echo Park Avenue", "Ocean Avenue"],
     ["the beach", "Griffith Observatory", "the Venice canals", "the pier"],
     ["bungalow", "guesthouse"], 9),
    ("Chicago", "United States", "USD", 140, "us",
     ["Wicker Park", "Lincoln Park", "Logan Square"],
     ["Milwaukee Avenue", "Armitage Avenue", "Logan Boulevard"],
     ["the lakefront", "the 606 trail", "the L train"], ["two-flat"], 6),
    ("Austin", "United States", "USD", 150, "us",
     ["South Congress", "East Austin", "Hyde Park"],
     ["South Congress Avenue", "East 6th Street", "Duval Street"],
     ["Lady Bird Lake", "Barton Springs", "the music venues of Red River"],
     ["casita"], 6),
    ("New Orleans", "United States", "USD", 145, "us",
     ["the French Quarter", "the Garden District", "the Marigny"],
     ["Royal Street", "Prytania Street", "Frenchmen Street"],
     ["Jackson Square", "the streetcar on St. Charles", "the jazz clubs of Frenchmen Street"],
     ["shotgun house", "Creole cottage"], 6),
    ("Miami", "United States", "USD", 175, "us",
     ["South Beach", "Little Havana", "Wynwood"],
     ["Collins Avenue", "SW 8th Street", "NW 2nd Avenue"],
     ["the beach", "the Wynwood Walls", "Calle Ocho"], ["condo"], 7),
    ("Seattle", "United States", "USD", 150, "us",
     ["Capitol Hill", "Ballard", "Fremont"],
     ["Pine Street", "Ballard Avenue NW", "Fremont Avenue N"],
     ["Pike Place Market", "Volunteer Park", "the Ballard Locks"], ["houseboat"], 5),
    ("Boston", "United States", "USD", 165, "us",
     ["Back Bay", "Beacon Hill", "the North End"],
     ["Newbury Street", "Charles Street", "Hanover Street"],
     ["the Public Garden", "the Freedom Trail", "the Charles River"], ["row house"], 5),
    ("Nashville", "United States", "USD", 140, "us",
     ["East Nashville", "the Gulch", "12 South"],
     ["Gallatin Avenue", "11th Avenue South", "12th Avenue South"],
     ["Broadway's honky-tonks", "the Ryman", "Five Points"], ["cottage"], 5),
    ("Denver", "United States", "USD", 130, "us",
     ["LoDo", "the Highlands", "Capitol Hill"],
     ["Wazee Street", "Tejon Street", "Pearl Street"],
     ["Union Station", "Red Rocks", "City Park"], [], 4),
    ("Portland", "United States", "USD", 125, "us",
     ["the Pearl District", "Alberta Arts", "Hawthorne"],
     ["NW Glisan Street", "NE Alberta Street", "SE Hawthorne Boulevard"],
     ["Powell's Books", "Forest Park", "the food carts"], ["tiny house"], 4),
    ("San Diego", "United States", "USD", 160, "us",
     ["La Jolla", "North Park", "Little Italy"],
     ["Prospect Street", "30th Street", "India Street"],
     ["La Jolla Cove", "Balboa Park", "the harbour"], ["beach cottage"], 5),
    ("Honolulu", "United States", "USD", 210, "us",
     ["Waikiki", "Kaimuki", "Manoa"],
     ["Kalakaua Avenue", "Waialae Avenue", "East Manoa Road"],
     ["Waikiki Beach", "Diamond Head", "the Manoa Falls trail"], ["lanai apartment"], 5),
    ("Savannah", "United States", "USD", 150, "us",
     ["the Historic District", "Starland"],
     ["Jones Street", "Bull Street"],
     ["Forsyth Park", "the squares", "River Street"], ["carriage house"], 3),
    ("Santa Fe", "United States", "USD", 155, "us",
     ["Canyon Road", "the Railyard"],
     ["Canyon Road", "Guadalupe Street"],
     ["the Plaza", "the galleries of Canyon Road", "the Sangre de Cristo mountains"],
     ["adobe casita"], 3),
    ("Washington", "United States", "USD", 160, "us",
     ["Dupont Circle", "Capitol Hill", "Georgetown"],
     ["P Street NW", "East Capitol Street", "M Street NW"],
     ["the National Mall", "Eastern Market", "the C&O Canal"], ["row house"], 5),
    ("Asheville", "United States", "USD", 135, "us",
     ["West Asheville", "Montford"],
     ["Haywood Road", "Montford Avenue"],
     ["the Blue Ridge Parkway", "the River Arts District"], ["cabin"], 3),
    ("Toronto", "Canada", "USD", 135, "us",
     ["Kensington Market", "Queen West", "Leslieville"],
     ["Augusta Avenue", "Queen Street West", "Queen Street East"],
     ["Trinity Bellwoods Park", "the waterfront", "the St. Lawrence Market"], [], 6),
    ("Vancouver", "Canada", "USD", 150, "us",
     ["Kitsilano", "Gastown", "Mount Pleasant"],
     ["West 4th Avenue", "Water Street", "Main Street"],
     ["Stanley Park", "Kits Beach", "Granville Island"], ["laneway house"], 5),
    ("Montréal", "Canada", "USD", 120, "us",
     ["the Plateau", "Old Montréal", "Mile End"],
     ["Rue Saint-Denis", "Rue Saint-Paul Ouest", "Rue Saint-Viateur"],
     ["Mount Royal", "the Old Port", "the Jean-Talon Market"], [], 5),
    ("Mexico City", "Mexico", "USD", 85, "es",
     ["Roma Norte", "Condesa", "Coyoacán"],
     ["Calle Orizaba", "Avenida Ámsterdam", "Calle Francisco Sosa"],
     ["Parque México", "the Frida Kahlo Museum", "the taquerías of Roma"], [], 7),
    ("Oaxaca", "Mexico", "USD", 70, "es",
     ["the Centro Histórico", "Jalatlaco"],
     ["Calle Macedonio Alcalá", "Calle Hidalgo"],
     ["Santo Domingo", "the Mercado 20 de Noviembre"], ["casita"], 3),
    ("Tulum", "Mexico", "USD", 150, "es",
     ["Aldea Zamá", "La Veleta"],
     ["Calle Andrómeda", "Calle Tulum"],
     ["the beach", "the cenotes", "the ruins"], ["jungle villa"], 4),
    ("Buenos Aires", "Argentina", "USD", 70, "es",
     ["Palermo Soho", "San Telmo", "Recoleta"],
     ["Calle Honduras", "Defensa", "Avenida Alvear"],
     ["the Sunday fair of San Telmo", "the Recoleta Cemetery", "the parks of Palermo"],
     [], 5),
    ("Rio de Janeiro", "Brazil", "USD", 95, "eu",
     ["Ipanema", "Santa Teresa", "Copacabana"],
     ["Rua Visconde de Pirajá", "Rua Almirante Alexandrino", "Avenida Atlântica"],
     ["Ipanema beach", "the Selarón Steps", "Sugarloaf Mountain"], [], 5),
    ("Lima", "Peru", "USD", 75, "es",
     ["Miraflores", "Barranco"],
     ["Calle Berlín", "Avenida Pedro de Osma"],
     ["the clifftop Malecón", "the Bridge of Sighs"], [], 3),
    ("Cusco", "Peru", "USD", 65, "es",
     ["San Blas"], ["Cuesta San Blas", "Calle Carmen Alto"],
     ["the Plaza de Armas", "the San Pedro market"], ["adobe house"], 3),
    ("Medellín", "Colombia", "USD", 60, "es",
     ["El Poblado", "Laureles"], ["Calle 10", "Circular 1"],
     ["Parque Lleras", "the Metrocable"], [], 3),
    ("Cartagena", "Colombia", "USD", 110, "es",
     ["Getsemaní", "the walled city"],
     ["Calle de la Media Luna", "Calle de las Damas"],
     ["the city walls", "the Plaza de la Trinidad"], ["colonial house"], 3),
    ("Paris", "France", "EUR", 150, "us",
     ["Le Marais", "Montmartre", "Saint-Germain-des-Prés", "Canal Saint-Martin", "the Latin Quarter"],
     ["rue des Rosiers", "rue Lepic", "rue du Bac", "quai de Valmy", "rue Mouffetard"],
     ["the Seine", "Sacré-Cœur", "the Jardin du Luxembourg", "the Centre Pompidou"],
     ["Haussmann apartment", "attic studio"], 14),
    ("Lyon", "France", "EUR", 95, "us",
     ["Vieux Lyon", "the Croix-Rousse"],
     ["rue Saint-Jean", "boulevard de la Croix-Rousse"],
     ["the traboules", "the Saône", "the bouchons"], ["canut loft"], 4),
    ("Nice", "France", "EUR", 120, "us",
     ["Vieux Nice", "Cimiez", "the Port"],
     ["rue Droite", "boulevard de Cimiez", "rue Bonaparte"],
     ["the Promenade des Anglais", "the Cours Saleya market", "Castle Hill"], [], 5),
    ("Bordeaux", "France", "EUR", 100, "us",
     ["the Chartrons"], ["rue Notre-Dame", "quai des Chartrons"],
     ["the Miroir d'eau", "the wine bars of the Chartrons"], [], 3),
    ("Rome", "Italy", "EUR", 130, "eu",
     ["Trastevere", "Monti", "Prati"],
     ["Via della Lungaretta", "Via Urbana", "Via Cola di Rienzo"],
     ["the Colosseum", "the Pantheon", "St. Peter's"], [], 10),
    ("Florence", "Italy", "EUR", 125, "eu",
     ["the Oltrarno", "Santa Croce"], ["Via Maggio", "Borgo Pinti"],
     ["the Ponte Vecchio", "the Duomo", "the Boboli Gardens"], [], 5),
    ("Venice", "Italy", "EUR", 160, "eu",
     ["Cannaregio", "Dorsoduro"],
     ["Fondamenta della Misericordia", "Calle Lunga San Barnaba"],
     ["the Rialto", "the Zattere", "the vaporetto stop"], ["palazzo apartment"], 5),
    ("Naples", "Italy", "EUR", 85, "eu",
     ["Chiaia", "the Centro Storico"], ["Via Chiaia", "Via dei Tribunali"],
     ["the seafront", "the pizzerias of Via dei Tribunali"], [], 3),
    ("Barcelona", "Spain", "EUR", 125, "es",
     ["Gràcia", "El Born", "the Eixample", "Poblenou"],
     ["Carrer de Verdi", "Carrer del Rec", "Passeig de Gràcia", "Rambla del Poblenou"],
     ["the Sagrada Família", "the beach", "Park Güell", "the Picasso Museum"], [], 12),
    ("Madrid", "Spain", "EUR", 110, "es",
     ["Malasaña", "La Latina", "Salamanca"],
     ["Calle del Pez", "Calle de la Cava Baja", "Calle de Serrano"],
     ["the Retiro", "the Prado", "the Rastro market"], [], 6),
    ("Seville", "Spain", "EUR", 100, "es",
     ["Triana", "Santa Cruz"], ["Calle Betis", "Calle Mateos Gago"],
     ["the Giralda", "the Alcázar", "the river"], ["patio house"], 4),
    ("Valencia", "Spain", "EUR", 90, "es",
     ["Ruzafa", "El Carmen"], ["Carrer de Sueca", "Carrer de Quart"],
     ["the Turia gardens", "the Central Market", "the beach"], [], 4),
    ("Lisbon", "Portugal", "EUR", 110, "eu",
     ["Alfama", "Bairro Alto", "Príncipe Real", "Graça"],
     ["Rua de São Miguel", "Rua da Atalaia", "Rua da Escola Politécnica", "Rua da Graça"],
     ["the 28 tram", "the miradouros", "the Tagus", "the castle"],
     ["azulejo-tiled apartment"], 12),
    ("Porto", "Portugal", "EUR", 90, "eu",
     ["Ribeira", "Cedofeita"], ["Rua de São João", "Rua de Cedofeita"],
     ["the Douro", "the port cellars", "the Livraria Lello"], [], 5),
    ("Amsterdam", "Netherlands", "EUR", 170, "eu",
     ["the Jordaan", "De Pijp", "Oud-West"],
     ["Prinsengracht", "Albert Cuypstraat", "Kinkerstraat"],
     ["the canals", "the Albert Cuyp market", "the Vondelpark"],
     ["canal house", "houseboat"], 9),
    ("Berlin", "Germany", "EUR", 95, "eu",
     ["Kreuzberg", "Prenzlauer Berg", "Neukölln"],
     ["Oranienstraße", "Kastanienallee", "Weserstraße"],
     ["the Landwehr Canal", "the Mauerpark", "Tempelhofer Feld"], ["Altbau apartment"], 8),
    ("Munich", "Germany", "EUR", 130, "eu",
     ["Schwabing", "the Glockenbachviertel"],
     ["Leopoldstraße", "Hans-Sachs-Straße"],
     ["the English Garden", "the Viktualienmarkt"], [], 4),
    ("Vienna", "Austria", "EUR", 105, "eu",
     ["Neubau", "Leopoldstadt"], ["Siebensterngasse", "Praterstraße"],
     ["the MuseumsQuartier", "the Prater", "the Naschmarkt"], [], 5),
    ("Athens", "Greece", "EUR", 85, "eu",
     ["Plaka", "Koukaki"], ["Adrianou", "Drakou"],
     ["the Acropolis", "the Acropolis Museum", "Filopappou Hill"], [], 5),
    ("Dublin", "Ireland", "EUR", 140, "us",
     ["Temple Bar", "Portobello", "Stoneybatter"],
     ["Fleet Street", "South Richmond Street", "Manor Street"],
     ["Trinity College", "the Grand Canal", "the Phoenix Park"], ["Georgian flat"], 5),
    ("Brussels", "Belgium", "EUR", 95, "us",
     ["Ixelles", "the Sablon"], ["rue du Bailli", "rue de Rollebeek"],
     ["the Grand-Place", "the Flagey ponds"], [], 3),
    ("Dubrovnik", "Croatia", "EUR", 140, "eu",
     ["the Old Town", "Ploče"], ["Prijeko", "Frana Supila"],
     ["the city walls", "Banje beach"], ["stone house"], 4),
    ("London", "United Kingdom", "GBP", 150, "us",
     ["Shoreditch", "Notting Hill", "Camden", "Greenwich", "Brixton"],
     ["Redchurch Street", "Portobello Road", "Camden High Street", "Royal Hill", "Coldharbour Lane"],
     ["the Thames", "Hyde Park", "Borough Market", "the Tate Modern"],
     ["mews house", "Victorian terrace"], 14),
    ("Edinburgh", "United Kingdom", "GBP", 120, "us",
     ["the Old Town", "Stockbridge", "Leith"],
     ["Victoria Street", "Raeburn Place", "The Shore"],
     ["the Royal Mile", "Arthur's Seat", "the Water of Leith"], ["tenement flat"], 6),
    ("Bath", "United Kingdom", "GBP", 125, "us",
     ["Lansdown", "Widcombe"], ["Gay Street", "Prior Park Road"],
     ["the Roman Baths", "the Royal Crescent"], ["Georgian townhouse"], 3),
    ("Manchester", "United Kingdom", "GBP", 85, "us",
     ["the Northern Quarter", "Ancoats"], ["Oldham Street", "Blossom Street"],
     ["Piccadilly Gardens", "the canals"], ["warehouse loft"], 3),
    ("Brighton", "United Kingdom", "GBP", 110, "us",
     ["the Lanes", "Kemptown"], ["Ship Street", "St James's Street"],
     ["the pier", "the seafront", "the Royal Pavilion"], [], 3),
    ("York", "United Kingdom", "GBP", 95, "us",
     ["Bishophill"], ["Skeldergate", "Micklegate"],
     ["the Minster", "the city walls", "the Shambles"], [], 2),
    ("Tokyo", "Japan", "USD", 120, "jp",
     ["Shibuya", "Asakusa", "Shimokitazawa", "Nakameguro"],
     ["Dogenzaka", "Kaminarimon-dori", "Chazawa-dori", "Meguro River path"],
     ["Senso-ji", "the Meguro River", "Yoyogi Park", "the Shibuya crossing"], [], 10),
    ("Kyoto", "Japan", "USD", 135, "jp",
     ["Gion", "Higashiyama", "Arashiyama"],
     ["Hanamikoji-dori", "Ninenzaka", "Saga-Tenryuji"],
     ["Kiyomizu-dera", "the Philosopher's Path", "the bamboo grove"],
     ["machiya townhouse"], 5),
    ("Osaka", "Japan", "USD", 95, "jp",
     ["Namba", "Nakazakicho"], ["Sennichimae", "Nakazaki-nishi"],
     ["Dotonbori", "Osaka Castle"], [], 3),
    ("Seoul", "South Korea", "USD", 90, "jp",
     ["Bukchon", "Hongdae", "Seongsu"], ["Gyedong-gil", "Wausan-ro", "Yeonmujang-gil"],
     ["Gyeongbokgung", "the Han River", "the cafés of Seongsu"], ["hanok"], 5),
    ("Bangkok", "Thailand", "USD", 55, "us",
     ["Sukhumvit", "the Old Town", "Ari"],
     ["Sukhumvit Soi 11", "Phra Athit Road", "Phahonyothin Soi 7"],
     ["the river ferries", "the Grand Palace", "the night markets"], [], 5),
    ("Chiang Mai", "Thailand", "USD", 45, "us",
     ["Nimman", "the Old City"], ["Nimmanhaemin Road", "Ratchadamnoen Road"],
     ["Doi Suthep", "the Sunday walking street"], ["teak house"], 3),
    ("Ubud", "Indonesia", "USD", 80, "us",
     ["Penestanan", "Nyuh Kuning"], ["Jalan Raya Penestanan", "Jalan Nyuh Bulan"],
     ["the rice terraces", "the Monkey Forest"], ["pool villa", "bamboo house"], 4),
    ("Singapore", "Singapore", "USD", 160, "us",
     ["Tiong Bahru", "Katong"], ["Yong Siak Street", "East Coast Road"],
     ["the hawker centres", "the Botanic Gardens"], ["shophouse apartment"], 3),
    ("Hanoi", "Vietnam", "USD", 45, "us",
     ["the Old Quarter", "Tay Ho"], ["Hang Bac Street", "Xuan Dieu Street"],
     ["Hoan Kiem Lake", "West Lake"], ["tube house"], 3),
    ("Sydney", "Australia", "USD", 160, "us",
     ["Surry Hills", "Bondi", "Newtown"], ["Crown Street", "Campbell Parade", "King Street"],
     ["Bondi Beach", "the coastal walk", "the Opera House"], ["terrace house"], 7),
    ("Melbourne", "Australia", "USD", 130, "us",
     ["Fitzroy", "St Kilda"], ["Brunswick Street", "Acland Street"],
     ["the laneways", "the St Kilda pier"], [], 5),
    ("Queenstown", "New Zealand", "USD", 170, "us",
     ["Fernhill", "Arthurs Point"], ["Fernhill Road", "Arthurs Point Road"],
     ["Lake Wakatipu", "the Remarkables", "the gondola"], ["alpine chalet"], 3),
    ("Cape Town", "South Africa", "USD", 95, "us",
     ["Bo-Kaap", "Camps Bay", "Gardens"], ["Wale Street", "Victoria Road", "Kloof Street"],
     ["Table Mountain", "Camps Bay beach", "the V&A Waterfront"], [], 5),
    ("Marrakesh", "Morocco", "USD", 85, "us",
     ["the Medina", "the Kasbah"], ["Derb Dabachi", "Derb Sidi Bouloukat"],
     ["Jemaa el-Fnaa", "the souks", "the Majorelle Garden"], ["riad"], 4),
    ("Istanbul", "Turkey", "USD", 75, "eu",
     ["Cihangir", "Kadıköy", "Balat"], ["Akarsu Caddesi", "Moda Caddesi", "Vodina Caddesi"],
     ["the Bosphorus ferries", "the Galata Tower", "the Grand Bazaar"], [], 5),
]

KINDS = [  # kind, min guests, max guests, price factor
    ("studio", 1, 2, 0.75), ("apartment", 2, 4, 1.0), ("one-bedroom flat", 2, 3, 0.9),
    ("two-bedroom apartment", 3, 5, 1.3), ("loft", 2, 4, 1.2), ("guest room", 1, 2, 0.55),
    ("townhouse", 4, 8, 1.7), ("cottage", 2, 5, 1.2), ("family home", 5, 8, 1.9),
    ("penthouse", 2, 6, 2.2),
]
ADJ = ["Sunny", "Cozy", "Bright", "Quiet", "Charming", "Spacious", "Stylish", "Airy",
       "Light-filled", "Peaceful", "Elegant", "Colourful", "Restored", "Modern", "Leafy",
       "Classic", "Calm", "Sleek", "Homely", "Art-filled"]
FEATURES = ["a balcony", "a rooftop terrace", "a private garden", "a plunge pool",
            "a wood stove", "a view over the rooftops", "a sunny courtyard", "a clawfoot tub",
            "floor-to-ceiling windows", "a record player and a wall of vinyl",
            "a dedicated desk and fast fibre", "a hammock", "a big farmhouse table",
            "original tiles", "high ceilings and old beams", "a reading nook"]
AMENITIES = ["a washing machine", "a dishwasher", "an espresso machine", "air conditioning",
             "blackout curtains", "a travel cot", "bikes to borrow", "a smart TV",
             "a well-stocked kitchen", "a rain shower", "heated floors", "free parking"]
SCENES = [
    "Mornings start with coffee from the bakery downstairs.",
    "The street is quiet at night but a minute from cafés and bars.",
    "You will hear church bells and little else.",
    "Grocery shops, a laundrette and a pharmacy are around the corner.",
    "The neighbours are friendly and the plants are watered by you, please.",
    "Sunset from the windows is the best show in town.",
    "Public transport is a two-minute walk away.",
    "Street parking is easy after 7 pm.",
]
HOUSE = [
    "Check-in from 3 pm with a key box; check-out by 11 am.",
    "I meet every guest in person and leave a hand-drawn map of my favourite places.",
    "Self check-in with a keypad, any time after 2 pm.",
    "No parties and no smoking, please. Children are very welcome.",
    "Pets are welcome with a small cleaning fee.",
    "There are three flights of stairs and no lift.",
]
POLICIES = ["flexible"] * 4 + ["moderate"] * 5 + ["strict"] * 3

REVIEWS = {
    5: ["Exactly as in the pictures, spotless and quiet. {host} was quick to reply. Would stay again.",
        "Perfect base for exploring {city}. The bed was great and the {amenity} was a bonus.",
        "We loved everything about this place, especially {feature}. Thank you, {host}!",
        "Wonderful stay. Great location near {landmark} and a very thoughtful host.",
        "Our favourite stay of the trip. The neighbourhood is lovely and the place is even better."],
    4: ["Very nice flat in a great area. A bit of street noise at night, but nothing earplugs didn't fix.",
        "Good value and a great location. The kitchen could use a few more pans.",
        "Comfortable and clean. Check-in was easy; wifi was a little slow in the bedroom.",
        "Lovely place, close to {landmark}. The stairs are steep with luggage."],
    3: ["Fine for a short stay. Smaller than it looks in the photos.",
        "Location is excellent, but the place needs some maintenance: the shower was lukewarm.",
        "OK overall. It was noisy on the weekend and the heating took a while."],
    2: ["The flat was not clean when we arrived; {host} sent a cleaner the next day.",
        "Disappointing: the {amenity} did not work and it took two days to get an answer."],
    1: ["Not as described, and we could not reach the host on arrival."],
}


def q(s):
    return "'" + s.replace("'", "''") + "'"


def address(style, street, n):
    if style == "us":
        return f"{n} {street}"
    if style == "es":
        return f"{street}, {n}"
    if style == "jp":
        return f"{rnd.randint(1, 4)}-{rnd.randint(1, 20)}-{n % 30 + 1} {street}"
    return f"{street} {n}"


def main():
    users = []          # (id, username, display, role, bio)
    uid = 0
    for name, display, role, bio in NAMED:
        uid += 1
        users.append((uid, name, display, role, bio))
    for name, display in OTHER_HOSTS:
        uid += 1
        users.append((uid, name, display, "host", ""))
    extra = []
    while len(extra) < 60:
        f, l = rnd.choice(FIRST), rnd.choice(LAST)
        name = f"{f.lower()}_{l.lower()}"
        if name not in [e[0] for e in extra]:
            extra.append((name, f"{f} {l}"))
    for name, display in OTHER_GUESTS + extra:
        uid += 1
        users.append((uid, name, display, "guest", ""))
    by_name = {u[1]: u for u in users}
    hosts = [u for u in users if u[3] in ("host", "both")]
    # the named guests get only the stays of their story (below)
    guests = [u for u in users if u[3] == "guest" and u[1] not in [n[0] for n in NAMED]]

    # ---- listings: the named hosts own a few in chosen cities, the others the rest
    props = []          # dict
    pid = 0
    preferred = {"alice": ["Lisbon", "Paris", "New York"],
                 "carol": ["San Diego", "Honolulu", "Asheville", "Tulum", "Cape Town"],
                 "erin": ["Barcelona", "Dublin", "Valencia"]}
    for city in CITIES:
        name, country, cur, base, style, hoods, streets, marks, special, count = city
        for k in range(max(2, round(count * 0.77))):
            pid += 1
            owner = None
            for hn, cs in preferred.items():
                if name in cs and rnd.random() < 0.4:
                    owner = by_name[hn]
            if owner is None:
                owner = rnd.choice([h for h in hosts if h[1] not in preferred])
            kind, gmin, gmax, pf = rnd.choice(KINDS)
            if special and rnd.random() < 0.35:
                kind = rnd.choice(special)
                gmin, gmax, pf = 2, 6, 1.3
            hood = rnd.choice(hoods)
            street = streets[hoods.index(hood) % len(streets)] if rnd.random() < 0.7 else rnd.choice(streets)
            mark = rnd.choice(marks)
            feat = rnd.choice(FEATURES)
            adj = rnd.choice(ADJ)
            pattern = rnd.randrange(6)
            if pattern == 0:
                title = f"{adj} {kind} in {hood}"
            elif pattern == 1:
                title = f"{adj} {kind} near {mark}"
            elif pattern == 2:
                title = f"{kind[0].upper() + kind[1:]} with {feat[2:] if feat.startswith('a ') else feat} in {hood}"
            elif pattern == 3:
                title = f"{adj} {kind} on {street}"
            elif pattern == 4:
                title = f"{adj} {kind}, a short walk to {mark}"
            else:
                title = f"{adj} and {rnd.choice(ADJ).lower()} {kind} in {name}"
            max_guests = rnd.randint(gmin, gmax)
            a1, a2 = rnd.sample(AMENITIES, 2)
            beds = max(1, (max_guests + 1) // 2)
            desc = (f"Our {kind} sits in {hood}, {rnd.choice(['a few minutes', 'a short walk', 'ten minutes on foot', 'one stop by tram'])} "
                    f"from {mark}. It sleeps {max_guests} "
                    f"{'guest' if max_guests == 1 else 'guests'} in {beds} {'bedroom' if beds == 1 else 'bedrooms'} "
                    f"and has {feat}, {a1} and {a2}. {rnd.choice(SCENES)}")
            if rnd.random() < 0.7:
                desc += "\n\n" + rnd.choice(HOUSE)
            price = base * pf * rnd.uniform(0.75, 1.35)
            cents = rnd.choice([0, 0, 0, 0, 50, 99])
            price = f"{max(25, int(price))}.{cents:02d}"
            age = rnd.randint(20, 1100)
            props.append(dict(id=pid, owner=owner[0], owner_name=owner[1], name=title,
                              desc=desc, addr=address(style, street, rnd.randint(1, 220)),
                              city=name, country=country, cur=cur, price=price,
                              max_guests=max_guests, policy=rnd.choice(POLICIES),
                              listed=True, age=age,
                              updated=age - (rnd.randint(1, age - 1) if rnd.random() < 0.3 else 0),
                              amenity=a1.split(" ", 1)[1] if a1.startswith(("a ", "an ")) else a1,
                              feature=feat, landmark=mark))
    # two unlisted listings with a past (hosts take places off the market)
    for p in rnd.sample(props, 2):
        p["listed"] = False

    # ---- bookings, per listing in order: past then future, never overlapping
    bookings = []       # dict
    bid = 0
    named_guests = ["bob", "dave", "frank", "erin"]

    def add(p, start, end, status, guest):
        nonlocal bid
        bid += 1
        nights = end - start
        g = rnd.randint(1, p["max_guests"])
        if start >= 1:          # asked for some days ago
            lead = rnd.randint(1, 40)
            created_h = lead * 24 + rnd.randint(0, 23)
        else:
            created_h = (-start + rnd.randint(2, 60)) * 24 + rnd.randint(0, 23)
        if created_h >= p["age"] * 24:
            created_h = p["age"] * 24 - 12
        b = dict(id=bid, pid=p["id"], guest=guest, start=start, end=end, guests=g,
                 status=status, created_h=created_h, updated_h=created_h,
                 expires_h=None, cancelled_h=None, nights=nights)
        if status == "pending":
            b["created_h"] = b["updated_h"] = rnd.randint(1, 20)
            b["expires_h"] = b["created_h"] - 24      # 24 h after asking: in the future
        elif status == "cancelled":
            b["cancelled_h"] = max(1, created_h - rnd.randint(1, max(1, created_h - 1)))
            b["updated_h"] = b["cancelled_h"]
        elif status == "completed":
            b["updated_h"] = max(1, -end * 24 - 11) if end <= 0 else 1
        elif status == "confirmed":
            b["updated_h"] = max(1, created_h - rnd.randint(1, 20))
        bookings.append(b)
        return b

    def guest_for(p):
        return rnd.choice([g for g in guests if g[0] != p["owner"]])[0]

    for p in props:
        # past stays: up to 4, within the listing's life
        day = -min(p["age"] - 2, rnd.randint(120, 400))
        for _ in range(rnd.randint(0, 4)):
            day += rnd.randint(3, 40)
            n = rnd.choice([1, 2, 2, 3, 3, 4, 5, 7])
            if day + n > -1:
                break
            status = "completed" if rnd.random() < 0.85 else "cancelled"
            add(p, day, day + n, status, guest_for(p))
            day += n
        if not p["listed"]:
            continue
        day = rnd.randint(2, 20)
        for _ in range(rnd.randint(0, 3)):
            n = rnd.choice([2, 3, 3, 4, 5, 7])
            u = rnd.random()
            status = "confirmed" if u < 0.6 else "pending" if u < 0.85 else "cancelled"
            add(p, day, day + n, status, guest_for(p))
            day += n + rnd.randint(2, 30)

    # The named guests' stories: reassign some stays to them (not at their own place).
    for name in named_guests:
        me = by_name[name][0]
        wanted = {"completed": 4, "confirmed": 2, "pending": 1, "cancelled": 1}
        for st, k in wanted.items():
            cands = [b for b in bookings if b["status"] == st and b["guest"] not in
                     [by_name[x][0] for x in named_guests] and
                     next(p for p in props if p["id"] == b["pid"])["owner"] != me]
            for b in rnd.sample(cands, min(k, len(cands))):
                b["guest"] = me
    # alice and carol have requests to answer: pending stays at their places
    for host in ("alice", "carol"):
        mine = [p for p in props if p["owner_name"] == host and p["listed"]]
        for p, gname in zip(rnd.sample(mine, min(2, len(mine))), ["bob", "dave"]):
            last = max([b["end"] for b in bookings if b["pid"] == p["id"]] + [1])
            add(p, last + 5, last + 8, "pending", by_name[gname][0])

    # ---- reviews: two thirds of the completed stays, a few days after check-out
    reviews = []
    for b in bookings:
        if b["status"] != "completed" or rnd.random() > 0.67:
            continue
        if by_name["bob"][0] == b["guest"] and sum(1 for r in reviews if r[1] == b["guest"]) >= 2:
            continue    # bob keeps stays to review
        p = next(p for p in props if p["id"] == b["pid"])
        u = rnd.random()
        rating = 5 if u < 0.55 else 4 if u < 0.85 else 3 if u < 0.94 else 2 if u < 0.99 else 1
        host = next(x for x in users if x[0] == p["owner"])
        text = rnd.choice(REVIEWS[rating]).format(host=host[2].split()[0], city=p["city"],
                                                  amenity=p["amenity"], feature=p["feature"],
                                                  landmark=p["landmark"])
        after = rnd.randint(1, 10)
        hours = max(1, (-b["end"] - after) * 24 + rnd.randint(0, 23))
        reviews.append((b["id"], b["guest"], rating, text, hours))

    # ---- the SQL
    out = []
    w = out.append
    w("-- script/lib/demo/demo.sql: demo data for script/server, loaded into an empty")
    w("-- database (no users) in one transaction. Generated by make_demo.py: edit that,")
    w("-- not this. Every account's password is " + DEMO_PASSWORD + ".")
    w(f"-- demo logins: {DEMO_LOGINS}; password {DEMO_PASSWORD}")
    w(f"-- {len(users)} users, {len(props)} listings in {len(CITIES)} cities, "
      f"{len(bookings)} bookings, {len(reviews)} reviews")
    w("BEGIN;")
    w("")
    w("INSERT INTO users (id, username, email, password_hash, display_name, bio, created_at, updated_at)")
    w("OVERRIDING SYSTEM VALUE VALUES")
    rows = []
    for u in users:
        age = 1200 + u[0] * 3
        rows.append(f"({u[0]}, {q(u[1])}, {q(u[1].replace('_', '.') + '@example.org')}, {q(HASH)}, "
                    f"{q(u[2])}, {q(u[4])}, now() - interval '{age} days', now() - interval '{age} days')")
    w(",\n".join(rows) + ";")
    w("")
    w("INSERT INTO properties (id, owner_id, name, description, address, city, country,")
    w("    price_per_night, currency, max_guests, cancellation_policy, is_listed, created_at, updated_at)")
    w("OVERRIDING SYSTEM VALUE VALUES")
    rows = []
    for p in props:
        desc = p["desc"].replace("'", "''").replace("\n", "\\n")
        rows.append(f"({p['id']}, {p['owner']}, {q(p['name'])}, E'{desc}', {q(p['addr'])}, "
                    f"{q(p['city'])}, {q(p['country'])}, {p['price']}, '{p['cur']}', "
                    f"{p['max_guests']}, '{p['policy']}', {'true' if p['listed'] else 'false'}, "
                    f"now() - interval '{p['age']} days', now() - interval '{p['updated']} days')")
    w(",\n".join(rows) + ";")
    w("")
    w("-- host_id comes from the trigger bookings_set_host; the total from the listing's price.")
    w("INSERT INTO bookings (id, property_id, guest_id, start_date, end_date, guests, total_price,")
    w("    currency, status, created_at, updated_at, expires_at, cancelled_at)")
    w("OVERRIDING SYSTEM VALUE")
    w("SELECT v.id, v.pid, v.gid, CURRENT_DATE + v.s, CURRENT_DATE + v.e, v.guests,")
    w("       (v.e - v.s) * p.price_per_night, p.currency, v.status,")
    w("       now() - make_interval(hours => v.c), now() - make_interval(hours => v.u),")
    w("       now() - make_interval(hours => v.x), now() - make_interval(hours => v.k)")
    w("  FROM (VALUES")
    rows = []
    for b in bookings:
        x = "NULL::int" if b["expires_h"] is None else str(b["expires_h"])
        k = "NULL::int" if b["cancelled_h"] is None else str(b["cancelled_h"])
        rows.append(f"({b['id']}, {b['pid']}, {b['guest']}, {b['start']}, {b['end']}, "
                    f"{b['guests']}, '{b['status']}', {b['created_h']}, {b['updated_h']}, {x}, {k})")
    w(",\n".join(rows))
    w(") AS v (id, pid, gid, s, e, guests, status, c, u, x, k)")
    w("  JOIN properties p ON p.id = v.pid;")
    w("")
    w("-- The trigger reviews_rating_aggregate keeps properties.rating_sum/rating_count.")
    w("INSERT INTO reviews (property_id, booking_id, reviewer_id, rating, comment, created_at)")
    w("SELECT b.property_id, b.id, v.reviewer, v.rating, v.comment, now() - make_interval(hours => v.h)")
    w("  FROM (VALUES")
    rows = [f"({r[0]}, {r[1]}, {r[2]}, {q(r[3])}, {r[4]})" for r in reviews]
    w(",\n".join(rows))
    w(") AS v (booking, reviewer, rating, comment, h)")
    w("  JOIN bookings b ON b.id = v.booking;")
    w("")
    w("-- New rows after these get the next ids.")
    for t in ("users", "properties", "bookings"):
        w(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}));")
    w("")
    w("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    main()
