"""Regional Indian names, languages and the buyers' home cities used by the seed.

Each craft cluster draws its artisans from the communities that practise the craft there
(Ansari weavers in Varanasi, Rabari and Ahir embroiderers in Kutch...); names are synthetic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from domain.seed.common import pick


@dataclass(frozen=True)
class NamePool:
    """Given names of one language community; surnames come from the cluster's community."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    # In rural north India many women write "Devi" as their surname.
    devi: float = 0.0


POOLS: dict[str, NamePool] = {
    "hindi": NamePool(
        ("Ramesh", "Suresh", "Mahesh", "Rajesh", "Mukesh", "Ram Prasad", "Shyam Lal", "Gopal",
         "Kailash", "Mohan Lal", "Dinesh", "Naresh", "Om Prakash", "Ashok", "Vinod", "Manoj",
         "Sanjay", "Pankaj", "Rakesh", "Hari Shankar", "Deepak", "Amit"),
        ("Sunita", "Kamla", "Sarita", "Geeta", "Meena", "Pushpa", "Rekha", "Mamta", "Anita",
         "Savitri", "Radha", "Kiran", "Poonam", "Neha", "Pooja", "Usha", "Suman", "Lalita"),
        ("Sharma", "Verma", "Gupta", "Yadav", "Singh", "Kumar", "Prajapati", "Saini"), devi=0.25),
    "muslim_north": NamePool(
        ("Mohammad Irfan", "Abdul Rashid", "Mohammad Salim", "Shakeel", "Imran", "Rizwan",
         "Naseem", "Javed", "Aslam", "Iqbal", "Shahid", "Arif", "Wasim", "Nadeem", "Zubair"),
        ("Shabana", "Rukhsana", "Nasreen", "Farzana", "Shabnam", "Noorjahan", "Rehana", "Salma",
         "Ayesha", "Zaheda", "Parveen", "Tabassum", "Gulshan"),
        ("Ansari", "Qureshi", "Siddiqui", "Khan", "Saifi", "Mansuri", "Sheikh")),
    "bihari": NamePool(
        ("Shivan", "Santosh", "Ram Kumar", "Vinod", "Dilip", "Manish", "Rajkumar", "Uttam",
         "Pawan", "Sanjeev", "Amarnath", "Bhola"),
        ("Shanti", "Urmila", "Rani", "Renu", "Anjali", "Pinki", "Sunaina", "Dulari", "Champa",
         "Lalita", "Vibha", "Sudha", "Asha"),
        ("Jha", "Mishra", "Karn", "Das", "Paswan", "Thakur", "Yadav"), devi=0.35),
    "rajasthani": NamePool(
        ("Ramesh", "Bhanwar Lal", "Mahendra", "Gopal", "Kailash", "Jagdish", "Prakash", "Rajendra",
         "Surendra", "Mangilal", "Girdhari", "Hemraj", "Bhagwan Sahay", "Naveen"),
        ("Kamla", "Santosh", "Sunita", "Geeta", "Bhanwari", "Kesar", "Manju", "Sushila", "Rekha",
         "Mohini", "Pinky", "Dhapu"),
        ("Sharma", "Kumawat", "Saini", "Soni", "Joshi"), devi=0.2),
    "gujarati": NamePool(
        ("Ramesh", "Bharat", "Kanji", "Premji", "Vishram", "Devji", "Lakha", "Harji", "Jagdish",
         "Naran", "Mavji", "Dilip"),
        ("Jassuben", "Rajiben", "Kankuben", "Lachhuben", "Meghiben", "Hiraben", "Valuben",
         "Geetaben", "Manjula", "Kanta", "Daksha"),
        ("Patel", "Shah", "Desai")),
    "marathi": NamePool(
        ("Sunil", "Sanjay", "Vijay", "Santosh", "Ganesh", "Dattatray", "Prakash", "Vitthal",
         "Balu", "Shivaji", "Rajendra", "Anil", "Sachin", "Nitin"),
        ("Sunita", "Mangal", "Suman", "Shobha", "Vaishali", "Savita", "Rupali", "Jyoti", "Anita",
         "Sangeeta", "Ashwini", "Manisha"),
        ("Kamble", "Jadhav", "Pawar", "Shinde", "Gaikwad", "Chavan", "Kadam", "Patil")),
    "kannada": NamePool(
        ("Ramesh", "Manjunath", "Shivakumar", "Nagaraj", "Basavaraj", "Venkatesh", "Srinivas",
         "Mahesh", "Prakash", "Raghu", "Chandrashekar", "Lokesh", "Puttaswamy", "Siddaraju"),
        ("Lakshmi", "Savitha", "Shobha", "Kavitha", "Geetha", "Rekha", "Suma", "Sunanda",
         "Pushpa", "Nagamma", "Bhagya", "Shwetha"),
        ("Gowda", "Shetty", "Rao", "Naik", "Swamy", "Kumar", "Murthy")),
    "deccani_muslim": NamePool(
        ("Syed Pasha", "Mohammed Ghouse", "Abdul Khader", "Imran", "Khaleel", "Nawaz", "Shahid",
         "Rafiq", "Azeem", "Nayeem", "Mujeeb", "Aftab"),
        ("Shaheen", "Farhana", "Nasreen", "Rubina", "Tabassum", "Asma", "Heena", "Shabana",
         "Zeenath", "Kausar"),
        ("Pasha", "Khan", "Sharief", "Baig", "Ahmed", "Quadri", "Hussain")),
    "telugu": NamePool(
        ("Srinivas", "Venkatesh", "Ramesh", "Narasimha", "Ravi", "Suresh", "Prasad",
         "Satyanarayana", "Anjaiah", "Mallesh", "Yadagiri", "Krishna", "Bhaskar", "Sudhakar"),
        ("Lakshmi", "Padma", "Sujatha", "Anitha", "Swapna", "Saraswathi", "Radha", "Kalyani",
         "Sunitha", "Vijaya", "Bharathi", "Sailaja"),
        ("Reddy", "Naidu", "Rao", "Chowdary")),
    "tamil": NamePool(
        ("Murugan", "Senthil", "Karthik", "Saravanan", "Selvam", "Rajendran", "Balaji", "Kannan",
         "Arumugam", "Velu", "Ganesan", "Sundaram", "Ilango", "Palani"),
        ("Meenakshi", "Lakshmi", "Kavitha", "Selvi", "Vasanthi", "Saranya", "Malathi", "Priya",
         "Revathi", "Anitha", "Kamatchi", "Valli"),
        ("Sundaram", "Rajan", "Krishnan", "Shanmugam", "Ramasamy", "Subramanian")),
    "odia": NamePool(
        ("Bhagaban", "Prasanta", "Sarat", "Bijay", "Ranjan", "Subrat", "Pradeep", "Jagannath",
         "Raghunath", "Bibhuti", "Manas", "Gopinath"),
        ("Sabita", "Jayanti", "Sasmita", "Mamata", "Pramila", "Kuni", "Laxmipriya", "Sulochana",
         "Sanjukta", "Minati"),
        ("Mohapatra", "Maharana", "Swain", "Das", "Sahoo", "Behera", "Nayak")),
    "chhattisgarhi": NamePool(
        ("Rajendra", "Pandiram", "Sonsingh", "Budhram", "Lakhmu", "Sukhchand", "Dashrath",
         "Tijuram", "Bhupendra", "Mangal"),
        ("Sukmati", "Phoolmati", "Sunita", "Kamla", "Budhni", "Sombari", "Jayanti", "Rajbati"),
        ("Baghel", "Netam", "Markam", "Poyam", "Korram", "Sori", "Mandavi", "Kashyap")),
    "kashmiri": NamePool(
        ("Ghulam Nabi", "Mohammad Yusuf", "Abdul Rashid", "Bashir Ahmad", "Farooq Ahmad",
         "Mushtaq", "Showkat", "Irfan", "Tariq", "Nazir", "Manzoor", "Zahoor"),
        ("Shameema", "Rafiqa", "Haleema", "Naseema", "Dilshada", "Fareeda", "Shazia", "Rubeena",
         "Mehjabeen", "Saima"),
        ("Bhat", "Dar", "Mir", "Wani", "Lone", "Shah", "Rather", "Ganai", "Malik")),
    "tripuri": NamePool(
        ("Bikash", "Sanjib", "Sukanta", "Pradip", "Dipankar", "Ratan", "Biswajit", "Manik",
         "Haripada", "Kishore"),
        ("Mithu", "Rina", "Sima", "Purnima", "Jharna", "Shyamali", "Anima", "Sabita"),
        ("Debbarma", "Jamatia", "Reang", "Das", "Saha", "Sarkar", "Bhowmik", "Paul")),
    "bengali": NamePool(
        ("Arindam", "Sourav", "Debashis", "Subhajit", "Partha", "Anirban", "Tapas", "Rahul"),
        ("Moumita", "Sudeshna", "Rituparna", "Payel", "Ananya", "Sreya", "Tania"),
        ("Banerjee", "Chatterjee", "Mukherjee", "Ghosh", "Bose", "Sen", "Dutta", "Roy")),
    "punjabi": NamePool(
        ("Gurpreet", "Harpreet", "Jasbir", "Manpreet", "Amrik", "Rohit", "Karan", "Vikram"),
        ("Simran", "Harleen", "Jaspreet", "Navneet", "Gurleen", "Priya", "Kirandeep"),
        ("Singh", "Kaur", "Gill", "Sandhu", "Sidhu", "Malhotra", "Arora", "Kapoor")),
    "malayali": NamePool(
        ("Anil", "Suresh", "Rajeev", "Vinod", "Biju", "Arun", "Jithin", "Thomas"),
        ("Lakshmi", "Divya", "Anjali", "Sreeja", "Reshma", "Mary", "Aswathy"),
        ("Nair", "Menon", "Pillai", "Kurian", "Varghese", "Thomas", "Namboothiri")),
    "assamese": NamePool(
        ("Pranjal", "Bhaskar", "Dhruba", "Hemanta", "Rituraj", "Nayan"),
        ("Pallavi", "Junmoni", "Rupjyoti", "Bornali", "Trishna"),
        ("Bora", "Gogoi", "Saikia", "Baruah", "Kalita", "Das")),
    "goan": NamePool(
        ("Anthony", "Joaquim", "Savio", "Prashant", "Rohan", "Dattaprasad"),
        ("Maria", "Sheryl", "Pooja", "Anita", "Fatima", "Sneha"),
        ("D'Souza", "Fernandes", "Naik", "Kamat", "Gaonkar", "Rodrigues")),
}

# Per cluster: (pool, surnames of the craft's community or None for the pool's, languages, weight).
Community = tuple[str, tuple[str, ...] | None, tuple[str, ...], float]
CLUSTER_COMMUNITIES: dict[str, tuple[Community, ...]] = {
    "k-001": (("kannada", ("Gowda", "Swamy", "Shetty", "Rao", "Kumar"), ("kn",), 0.6),
              ("deccani_muslim", None, ("ur", "kn"), 0.4)),
    "k-002": (("rajasthani", ("Kumawat", "Prajapat", "Saini", "Sharma", "Verma"), ("hi",), 0.8),
              ("muslim_north", ("Khan", "Mansuri", "Qureshi"), ("hi", "ur"), 0.2)),
    "k-003": (("muslim_north", ("Ansari", "Momin", "Siddiqui", "Khan"), ("hi", "ur"), 0.6),
              ("hindi", ("Maurya", "Yadav", "Jaiswal", "Patel", "Vishwakarma"), ("hi",), 0.4)),
    "k-004": (("bihari", None, ("hi",), 1.0),),
    "k-005": (("gujarati", ("Rabari", "Ahir", "Meghwal", "Sodha", "Khatri", "Vankar"), ("gu",),
               1.0),),
    "k-006": (("deccani_muslim", ("Shah", "Khan", "Quadri", "Hussain", "Baig"), ("ur", "kn"), 0.7),
              ("kannada", ("Patil", "Kulkarni", "Swamy"), ("kn",), 0.3)),
    "k-007": (("telugu", ("Gaddam", "Chintakindi", "Rapolu", "Tadaka", "Bhoga", "Gajam", "Vemula"),
               ("te",), 1.0),),
    "k-008": (("muslim_north", ("Ansari", "Saifi", "Qureshi", "Khan"), ("hi", "ur"), 0.55),
              ("hindi", ("Agarwal", "Gupta", "Rastogi", "Verma"), ("hi",), 0.45)),
    "k-009": (("hindi", ("Prajapati", "Sharma", "Kumar"), ("hi",), 0.6),
              ("muslim_north", ("Qureshi", "Ansari", "Khan"), ("hi", "ur"), 0.4)),
    "k-010": (("chhattisgarhi", None, ("hi",), 1.0),),
    "k-011": (("odia", ("Mohapatra", "Maharana", "Darji", "Sahoo", "Patra"), ("or",), 1.0),),
    "k-012": (("rajasthani", ("Sharma", "Soni", "Kumawat", "Joshi", "Swami"), ("hi",), 1.0),),
    "k-013": (("tamil", ("Mudaliar", "Sundaram", "Shanmugam", "Rajan", "Devarajan"), ("ta",),
               1.0),),
    "k-014": (("rajasthani", ("Chhipa", "Namdev", "Chhipa", "Kumawat"), ("hi",), 1.0),),
    "k-015": (("muslim_north", ("Siddiqui", "Qureshi", "Ansari", "Saifi"), ("hi", "ur"), 0.6),
              ("hindi", ("Dhiman", "Verma", "Sharma"), ("hi",), 0.4)),
    "k-016": (("telugu", ("Raju", "Varma", "Chari", "Naidu"), ("te",), 1.0),),
    "k-017": (("kashmiri", None, ("ks", "ur"), 1.0),),
    "k-018": (("odia", ("Maharana", "Mohapatra", "Swain", "Das", "Chitrakar", "Behera"), ("or",),
               1.0),),
    "k-019": (("muslim_north", ("Ansari", "Khan", "Qureshi"), ("hi", "ur"), 0.5),
              ("hindi", ("Kushwaha", "Yadav", "Jain", "Baghel"), ("hi",), 0.5)),
    "k-020": (("muslim_north", ("Qureshi", "Siddiqui", "Ansari", "Khan"), ("hi", "ur"), 0.55),
              ("hindi", ("Kushwaha", "Agarwal", "Verma"), ("hi",), 0.45)),
    "k-021": (("tripuri", None, ("bn",), 1.0),),
    "k-022": (("marathi", ("Kamble", "Satpute", "Sathe", "Sonawane", "Jadhav"), ("mr",), 1.0),),
    "k-023": (("hindi", ("Koli", "Sahu", "Rajput"), ("hi",), 0.55),
              ("muslim_north", ("Ansari", "Momin"), ("hi", "ur"), 0.45)),
    "k-024": (("tamil", ("Raju", "Naidu", "Pillai", "Chettiar"), ("ta",), 1.0),),
    "k-025": (("rajasthani", ("Soni", "Johari", "Kasliwal", "Khandelwal", "Jain"), ("hi",), 0.7),
              ("muslim_north", ("Sheikh", "Mansuri", "Khan"), ("hi", "ur"), 0.3)),
}


@dataclass(frozen=True)
class Person:
    """A generated person: display name, gender and preferred language."""

    name: str
    first: str
    surname: str
    female: bool
    language: str


def _person(rng: np.random.Generator, pool: NamePool, surnames: tuple[str, ...] | None,
            languages: tuple[str, ...], female_share: float) -> Person:
    female = bool(rng.random() < female_share)
    first = pick(rng, pool.female if female else pool.male)
    surname = pick(rng, surnames or pool.surnames)
    if female and pool.devi and rng.random() < pool.devi:
        surname = "Devi"
    # The first listed language is the everyday one; later ones are chosen less often.
    weights = [1.0] + [0.6] * (len(languages) - 1)
    return Person(f"{first} {surname}", first, surname, female, pick(rng, languages, weights))


def artisan(rng: np.random.Generator, cluster_id: str) -> Person:
    """An artisan of ``cluster_id``'s community (women lead embroidery, painting, applique)."""
    communities = CLUSTER_COMMUNITIES[cluster_id]
    pool_key, surnames, languages, _ = pick(rng, communities, [c[3] for c in communities])
    female_share = 0.65 if cluster_id in ("k-004", "k-005", "k-011", "k-018") else 0.35
    return _person(rng, POOLS[pool_key], surnames, languages, female_share)


@dataclass(frozen=True)
class City:
    """A buyer's home city: coordinates (public facts), PIN prefix and a rough weight."""

    name: str
    state: str
    lat: float
    lon: float
    pin: str
    weight: float
    pool: str
    language: str


CITIES: tuple[City, ...] = (
    City("Mumbai", "Maharashtra", 19.0760, 72.8777, "400", 12, "marathi", "mr"),
    City("Delhi", "Delhi", 28.6139, 77.2090, "110", 14, "hindi", "hi"),
    City("Bengaluru", "Karnataka", 12.9716, 77.5946, "560", 12, "kannada", "kn"),
    City("Hyderabad", "Telangana", 17.3850, 78.4867, "500", 9, "telugu", "te"),
    City("Chennai", "Tamil Nadu", 13.0827, 80.2707, "600", 8, "tamil", "ta"),
    City("Kolkata", "West Bengal", 22.5726, 88.3639, "700", 8, "bengali", "bn"),
    City("Pune", "Maharashtra", 18.5204, 73.8567, "411", 7, "marathi", "mr"),
    City("Ahmedabad", "Gujarat", 23.0225, 72.5714, "380", 6, "gujarati", "gu"),
    City("Jaipur", "Rajasthan", 26.9124, 75.7873, "302", 4, "rajasthani", "hi"),
    City("Lucknow", "Uttar Pradesh", 26.8467, 80.9462, "226", 4, "hindi", "hi"),
    City("Surat", "Gujarat", 21.1702, 72.8311, "395", 3, "gujarati", "gu"),
    City("Kanpur", "Uttar Pradesh", 26.4499, 80.3319, "208", 2, "hindi", "hi"),
    City("Nagpur", "Maharashtra", 21.1458, 79.0882, "440", 2, "marathi", "mr"),
    City("Indore", "Madhya Pradesh", 22.7196, 75.8577, "452", 3, "hindi", "hi"),
    City("Bhopal", "Madhya Pradesh", 23.2599, 77.4126, "462", 2, "hindi", "hi"),
    City("Chandigarh", "Chandigarh", 30.7333, 76.7794, "160", 3, "punjabi", "pa"),
    City("Gurugram", "Haryana", 28.4595, 77.0266, "122", 4, "hindi", "hi"),
    City("Noida", "Uttar Pradesh", 28.5355, 77.3910, "201", 3, "hindi", "hi"),
    City("Kochi", "Kerala", 9.9312, 76.2673, "682", 3, "malayali", "ml"),
    City("Thiruvananthapuram", "Kerala", 8.5241, 76.9366, "695", 2, "malayali", "ml"),
    City("Coimbatore", "Tamil Nadu", 11.0168, 76.9558, "641", 2, "tamil", "ta"),
    City("Visakhapatnam", "Andhra Pradesh", 17.6868, 83.2185, "530", 2, "telugu", "te"),
    City("Vijayawada", "Andhra Pradesh", 16.5062, 80.6480, "520", 1, "telugu", "te"),
    City("Patna", "Bihar", 25.5941, 85.1376, "800", 2, "bihari", "hi"),
    City("Bhubaneswar", "Odisha", 20.2961, 85.8245, "751", 2, "odia", "or"),
    City("Guwahati", "Assam", 26.1445, 91.7362, "781", 2, "assamese", "as"),
    City("Dehradun", "Uttarakhand", 30.3165, 78.0322, "248", 1, "hindi", "hi"),
    City("Vadodara", "Gujarat", 22.3072, 73.1812, "390", 2, "gujarati", "gu"),
    City("Mysuru", "Karnataka", 12.2958, 76.6394, "570", 1, "kannada", "kn"),
    City("Mangaluru", "Karnataka", 12.9141, 74.8560, "575", 1, "kannada", "kn"),
    City("Panaji", "Goa", 15.4909, 73.8278, "403", 1, "goan", "kok"),
    City("Ludhiana", "Punjab", 30.9010, 75.8573, "141", 1, "punjabi", "pa"),
    City("Amritsar", "Punjab", 31.6340, 74.8723, "143", 1, "punjabi", "pa"),
    City("Raipur", "Chhattisgarh", 21.2514, 81.6296, "492", 1, "hindi", "hi"),
    City("Ranchi", "Jharkhand", 23.3441, 85.3096, "834", 1, "hindi", "hi"),
    City("Udaipur", "Rajasthan", 24.5854, 73.7125, "313", 1, "rajasthani", "hi"),
    City("Madurai", "Tamil Nadu", 9.9252, 78.1198, "625", 1, "tamil", "ta"),
    City("Nashik", "Maharashtra", 19.9975, 73.7898, "422", 1, "marathi", "mr"),
    City("Varanasi", "Uttar Pradesh", 25.3176, 82.9739, "221", 1, "hindi", "hi"),
)


def buyer_person(rng: np.random.Generator, city: City) -> Person:
    """A city dweller: the city's community, with a Muslim family in some north Indian homes.

    Most urban buyers chat in English.
    """
    pool = city.pool
    if city.language == "hi" and rng.random() < 0.15:
        pool = "muslim_north"
    person = _person(rng, POOLS[pool], None, (city.language,), 0.5)
    language = "en" if rng.random() < 0.55 else city.language
    return Person(person.name, person.first, person.surname, person.female, language)


def email_for(person: Person, n: int) -> str:
    """An address on the reserved ``example.com`` domain (never a real inbox)."""
    local = f"{person.first}.{person.surname}{n}"
    local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", "", local.replace(" ", ".")) + "@example.com"
