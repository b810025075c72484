/**
 * The interests Locus names in `profile.summary()` and in ad explanations: broad, readable,
 * each described by a few words so the encoder can place the label in the same vector space
 * as pages and ads. Deliberately without sensitive categories (health conditions, religion,
 * politics, sexuality, finances in distress): Locus does not infer those about anyone.
 */
export interface InterestCategory {
  id: string;
  label: string;
  /** What the encoder embeds: the label and the words that describe it. */
  text: string;
}

/** Bump when the list changes: cached category embeddings are keyed by it. */
export const CATEGORY_LIST_VERSION = 1;

const LIST: [id: string, label: string, words: string][] = [
  [
    'running-fitness',
    'Running & fitness',
    'running, jogging, marathon, training, gym, workout, fitness, strength, cardio',
  ],
  [
    'team-sports',
    'Team sports',
    'football, soccer, basketball, rugby, hockey, match, league, team, coach, players',
  ],
  [
    'outdoors',
    'Outdoors & adventure',
    'hiking, camping, climbing, mountains, trails, cycling, skiing, kayaking',
  ],
  [
    'cooking',
    'Cooking & recipes',
    'recipe, cooking, kitchen, baking, bread, pasta, sauce, oven, ingredients',
  ],
  ['dining', 'Restaurants & drinks', 'restaurant, dinner, chef, menu, cafe, wine, beer, cocktails, dining'],
  ['travel', 'Travel', 'travel, trip, flights, hotel, vacation, holiday, destination, tourism, sightseeing'],
  ['cars', 'Cars & motoring', 'cars, driving, engine, electric vehicle, motorcycle, tyres, dealership'],
  [
    'personal-finance',
    'Personal finance',
    'money, savings, budget, bank, credit card, loans, pension, taxes',
  ],
  ['investing', 'Investing', 'stocks, shares, funds, investment, portfolio, markets, trading, dividends'],
  [
    'business-careers',
    'Business & careers',
    'business, startup, management, jobs, career, office, entrepreneurs, marketing',
  ],
  [
    'technology',
    'Technology & gadgets',
    'smartphone, laptop, software, computer, apps, gadgets, internet, electronics',
  ],
  ['video-games', 'Video games', 'gaming, console, video games, esports, gamers, multiplayer, controller'],
  ['movies-tv', 'Movies & TV', 'film, cinema, movies, television, series, actors, streaming, drama'],
  ['music', 'Music', 'music, songs, album, concert, band, guitar, singer, festival'],
  ['books', 'Books & reading', 'books, novel, author, reading, literature, fiction, poetry, library'],
  [
    'arts-culture',
    'Arts & culture',
    'art, painting, museum, gallery, design, theatre, sculpture, exhibition',
  ],
  ['fashion', 'Fashion & style', 'fashion, clothing, shoes, dresses, style, designer, jewelry, accessories'],
  ['beauty', 'Beauty & grooming', 'skincare, makeup, cosmetics, hair, fragrance, grooming, beauty'],
  ['home-garden', 'Home & garden', 'home, furniture, interior, decor, garden, plants, renovation, DIY'],
  [
    'real-estate',
    'Real estate',
    'property, apartment, house prices, renting, buying a home, mortgage, landlord',
  ],
  ['family', 'Family & parenting', 'parents, children, kids, baby, toddlers, family, school holidays'],
  ['pets', 'Pets & animals', 'dogs, cats, pets, puppy, kitten, vet, animals, pet food'],
  ['education', 'Education & learning', 'school, university, courses, students, learning, languages, exams'],
  ['science', 'Science & nature', 'science, space, physics, research, nature, wildlife, climate, astronomy'],
  ['hobbies', 'Hobbies & crafts', 'crafts, knitting, sewing, photography, collecting, woodworking, painting'],
  ['shopping', 'Shopping & deals', 'shopping, sale, discount, deals, online store, gifts, coupons, bargains'],
];

export const DEFAULT_CATEGORIES: readonly InterestCategory[] = LIST.map(([id, label, words]) => ({
  id,
  label,
  text: `${label}: ${words}`,
}));
