#include "core/synth/corpus.h"

namespace hearth::synth {

std::string_view training_corpus() {
  // Simple stories and plain prose, in the register of TinyStories.
  static constexpr std::string_view kText =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the park "
      "with her friends. One day, she saw a big red ball under a tree. She wanted to play with it, so "
      "she ran to the tree and picked it up. The ball was very soft and shiny.\n"
      "Lily said to her mom, \"Mom, can I keep the ball?\" Her mom smiled and said, \"Yes, you can, but "
      "you have to share it with your friends.\" Lily was very happy. She played with the ball all day "
      "long, and then she went home to eat dinner with her family.\n"
      "There was also a small dog named Max. Max liked to run and jump in the garden. He had a brown "
      "coat and a long tail. Every morning, Max would wake up early and bark at the birds in the sky. "
      "The birds would sing and fly away, and Max would wag his tail.\n"
      "One sunny afternoon, Tom and his sister Sue went to the beach. They built a castle out of sand "
      "and looked for pretty shells. The water was cold, but they did not mind. They laughed and "
      "splashed each other until the sun went down. Then they walked back home, tired but happy.\n"
      "The old man who lived next door had a green garden full of flowers and vegetables. He grew "
      "carrots, tomatoes, beans and potatoes. The children liked to help him. They watered the plants "
      "and pulled the weeds. When the vegetables were ready, he gave them a basket to take home.\n"
      "In the morning the town was quiet. The baker opened his shop and the smell of fresh bread "
      "filled the street. People walked to work, children walked to school, and the bus stopped at "
      "the corner. It was going to be a good day for everyone in the little town.\n"
      "Learning to read is one of the most important things a child can do. Books open the door to "
      "new worlds, new ideas and new friends. When we read together, we talk about what happens, why "
      "it happens, and what we think will happen next. Reading every day makes the mind strong.\n"
      "The cat sat on the mat and looked at the bird. The bird looked at the cat. Nobody moved for a "
      "long time. Then the wind blew, the leaves fell, and the bird flew up into the tree. The cat "
      "yawned and went back to sleep in the warm sun.\n"
      "Anna wanted to bake a cake for her brother's birthday. She found flour, sugar, eggs, milk and "
      "butter in the kitchen. She mixed everything in a big bowl and put it in the oven. When the cake "
      "was done, she put candles on top. Her brother was so surprised that he jumped and clapped.\n"
      "Numbers are everywhere: 1, 2, 3, 10, 100 and 2024. We count apples, we count days, and we "
      "count the stars at night. There are 7 days in a week and 12 months in a year. What time is it? "
      "It is 5 o'clock, time to go home!\n";
  return kText;
}

}  // namespace hearth::synth
